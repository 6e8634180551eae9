"""Authorization-matrix rows for the routes of community (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; prefix keys with "community" to avoid clashes.
"""

ROWS: dict = {}


def objects(*, users, agency, municipality, base) -> dict:
    return {}
