"""Authorization-matrix rows for 名寄せ (merging person records; merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; keys are prefixed with "merge".

The persons are registered by the municipal office (the collaboration worker has no agency), so the office's
casework staff see them: the collaboration worker and the municipal officer may merge them (200); the outreach
worker, also at the office, sees them but may not merge (403); the agency counselor, the admin and evaluator
(no casework role) and the other tenant cannot see them (404). The merge history and undo are the mergers'
only; an undo POST without a reason is refused with a message and a redirect (302).
"""

ACTORS = [
    "anonymous",
    "counselor",
    "collaboration",
    "outreach",
    "municipal",
    "admin",
    "evaluator",
    "other_admin",
]
MERGERS = ["collaboration", "municipal"]


def _expect(allowed: dict, denied: int, *, anonymous: int = 302, **overrides) -> dict:
    result = dict.fromkeys(ACTORS, denied)
    result["anonymous"] = anonymous
    result.update(allowed)
    result.update(overrides)
    return result


MERGE_PAGE = _expect(dict.fromkeys(MERGERS, 200), 404, outreach=403)

ROWS: dict = {
    "people:person_merge_start": ("GET", "merge_person", MERGE_PAGE),
    "people:person_merge": ("GET", {"pk": "merge_person", "other_pk": "merge_other"}, MERGE_PAGE),
    "people:merge_list": ("GET", None, _expect(dict.fromkeys(MERGERS, 200), 403)),
    "people:merge_undo": ("POST", "merge", _expect(dict.fromkeys(MERGERS, 302), 404)),
}


def objects(*, users, agency, municipality, base) -> dict:
    from kasane.people import services

    office = users["collaboration"]
    person, other, kept, merged = (
        services.person_create(user=office, family_name="岐阜", given_name=name)
        for name in ("一", "二", "三", "四")
    )
    merge = services.person_merge(
        user=office, kept=kept, merged=merged, chosen_fields={}, reason="同じ方",
        expected_versions={kept.pk: kept.version, merged.pk: merged.version},
    )  # fmt: skip
    return {"merge_person": person.pk, "merge_other": other.pk, "merge": merge.pk}
