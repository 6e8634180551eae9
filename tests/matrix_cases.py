"""Authorization-matrix rows for the routes of this area (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; `base` holds the shared ones
(person, consultation, consent, referral … recorded by the counselor's agency, see the main module).
"""

ROWS: dict = {}


def objects(*, users, agency, municipality, base) -> dict:
    return {}
