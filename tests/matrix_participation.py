"""Authorization-matrix rows for the routes of participation (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; prefix keys with "participation" to avoid clashes.

Resources (社会資源) are public information: every staff member sees, searches, prints and exports them; the
community staff (outreach, collaboration, municipal, admin) maintain them; the counselor and the evaluator get
403. Another tenant's admin sees its own (empty) registry and 404 for 岐阜市's records. Matches belong to the
case of matrix_cases (`ui_case`: opened by the office, the counselor's agency on the team under consent), so the
team (counselor, collaboration, outreach, municipal) sees and writes them; admin, evaluator and the other tenant
get 404. POSTs without form data are refused with a message and redirect (302).
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
TEAM = ["counselor", "collaboration", "outreach", "municipal"]
COMMUNITY = ["collaboration", "outreach", "municipal", "admin"]


def _expect(allowed: dict, denied: int, *, anonymous: int = 302, other_admin: int | None = None) -> dict:
    result = dict.fromkeys(ACTORS, denied)
    result["anonymous"] = anonymous
    if other_admin is not None:
        result["other_admin"] = other_admin
    result.update(allowed)
    return result


EVERYONE = _expect({}, 200)
EVERYONE_OBJ = _expect({}, 200, other_admin=404)
MAINTAIN = _expect(dict.fromkeys(COMMUNITY, 200), 403, other_admin=200)
MAINTAIN_OBJ = _expect(dict.fromkeys(COMMUNITY, 200), 403, other_admin=404)
MAINTAIN_POST = _expect(dict.fromkeys(COMMUNITY, 302), 403, other_admin=404)
CASE_READ = _expect(dict.fromkeys(TEAM, 200), 404)
CASE_POST = _expect(dict.fromkeys(TEAM, 302), 404)
API_CASE_READ = _expect(dict.fromkeys(TEAM, 200), 404, anonymous=401)
API_CASE_POST = _expect(dict.fromkeys(TEAM, 415), 404, anonymous=401)

ROWS: dict = {
    "participation:resource_list": ("GET", None, EVERYONE),
    "participation:resource_print": ("GET", None, EVERYONE),
    "participation:resource_export_xlsx": ("GET", None, EVERYONE),
    "participation:resource_create": ("GET", None, MAINTAIN),
    "participation:resource_detail": ("GET", "participation_resource", EVERYONE_OBJ),
    "participation:resource_edit": ("GET", "participation_resource", MAINTAIN_OBJ),
    # Refused (the resource has a match): a message on the resource page.
    "participation:resource_delete": ("POST", "participation_resource", MAINTAIN_POST),
    "participation:kind_list": ("GET", None, MAINTAIN),
    "participation:kind_toggle": ("POST", "participation_kind", MAINTAIN_POST),
    "participation:settings": ("GET", None, _expect({"admin": 200, "other_admin": 200}, 403)),
    # A gap is seen by casework roles and admins and changed by casework roles; creating the resource needs the
    # community staff too: the counselor and the admin see the gap but may not (403); the evaluator does not see it.
    "participation:gap_resource": (
        "GET",
        "participation_gap",
        _expect(
            {"collaboration": 200, "outreach": 200, "municipal": 200, "counselor": 403, "admin": 403}, 404
        ),
    ),
    "participation:match_list": ("GET", None, _expect(dict.fromkeys(TEAM, 200), 403)),
    "participation:case_matching": ("GET", "ui_case", CASE_READ),
    "participation:match_create": ("POST", "ui_case", CASE_POST),
    "participation:case_gap": ("POST", "ui_case", CASE_POST),
    "participation:match_detail": ("GET", "participation_match", CASE_READ),
    "participation:match_approach": ("POST", "participation_match", CASE_POST),
    "participation:match_start": ("POST", "participation_match", CASE_POST),
    "participation:followup_schedule": ("POST", "participation_match", CASE_POST),
    "participation:followup_record": (
        "POST",
        {"pk": "participation_match", "followup_pk": "participation_followup"},
        CASE_POST,
    ),
    "participation:match_outcome": ("POST", "participation_match", CASE_POST),
    # The API: the client posts form data, so a permitted POST answers 415 (the API takes JSON only).
    "api:resource_list": ("GET", None, _expect({}, 200, anonymous=401)),
    "api:resource_detail": (
        "GET",
        "participation_resource",
        _expect({}, 200, anonymous=401, other_admin=404),
    ),
    "api:case_participation": ("GET", "ui_case", API_CASE_READ),
    "api:case_matches": ("POST", "ui_case", API_CASE_POST),
    "api:case_gaps": ("POST", "ui_case", API_CASE_POST),
    "api:match_detail": ("GET", "participation_match", API_CASE_READ),
    "api:match_steps": ("POST", "participation_match", API_CASE_POST),
    "api:gap_list": (
        "GET",
        None,
        _expect({**dict.fromkeys(TEAM, 200), "admin": 200, "other_admin": 200}, 403, anonymous=401),
    ),
    "api:gap_resource": (
        "POST",
        "participation_gap",
        _expect(
            {"collaboration": 415, "outreach": 415, "municipal": 415, "counselor": 403, "admin": 403},
            404,
            anonymous=401,
        ),
    ),
}


def objects(*, users, agency, municipality, base) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from kasane.cases.models import CollaborationCase
    from kasane.meetings import services as meeting_services
    from kasane.participation import selectors, services

    worker = users["collaboration"]
    today = timezone.localdate()
    kind = selectors.kinds(user=worker).get(name="居場所")
    resource = services.resource_create(
        user=worker, name="居場所 ひだまり", kind=kind, area="北部", status="active"
    )
    case = CollaborationCase.objects.get(pk=base["ui_case"])
    match = services.match_create(user=worker, case=case, resource=resource)
    match = services.match_approach(
        user=worker, match=match, version=match.version, approached_on=today, note="見学"
    )
    match = services.match_start(user=worker, match=match, version=match.version, started_on=today,
                                 followup_on=today + timedelta(days=7))  # fmt: skip
    gap = meeting_services.gap_record(user=worker, what="夜の居場所", for_whom="40代男性")
    return {
        "participation_resource": resource.pk,
        "participation_kind": kind.pk,
        "participation_match": match.pk,
        "participation_followup": match.followups.get().pk,
        "participation_gap": gap.pk,
    }
