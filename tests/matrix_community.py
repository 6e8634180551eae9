"""Authorization-matrix rows for the routes of community (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; prefix keys with "community" to avoid clashes.

The 地域づくり record holds no personal data: every staff member of the municipality reads it (the counselor
and the evaluator too), the outreach, collaboration, municipal and admin roles keep it (403 for the others),
another municipality's admin gets 404 for its records and empty lists of its own. A POST without form data
to add a session is a form error (400) for those who may add one.
"""

from datetime import date

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
EDITORS = ["collaboration", "outreach", "municipal", "admin"]


def _rows(*, read: int = 200, edit: int | None = None, other: int = 404, anonymous: int = 302) -> dict:
    """`read` for everyone of the municipality, `edit` (when given) for the editors and 403 for the readers."""
    result = dict.fromkeys(ACTORS, read)
    if edit is not None:
        result.update(dict.fromkeys(["counselor", "evaluator"], 403), **dict.fromkeys(EDITORS, edit))
    result.update(anonymous=anonymous, other_admin=other)
    return result


LIST = _rows(other=200)
OBJ = _rows()
CREATE = _rows(edit=200, other=200)
EDIT = _rows(edit=200)
API_LIST = _rows(other=200, anonymous=401)
API_OBJ = _rows(anonymous=401)
# The client posts form data: the JSON-only API answers 415 once the caller may post at all.
API_CREATE = _rows(edit=415, other=415, anonymous=401)
API_EDIT = _rows(edit=415, anonymous=401)

ROWS: dict = {
    "community:activity_list": ("GET", None, LIST),
    "community:activity_create": ("GET", None, CREATE),
    "community:activity_detail": ("GET", "community_activity", OBJ),
    "community:activity_edit": ("GET", "community_activity", EDIT),
    "community:session_add": ("POST", "community_activity", _rows(edit=400)),
    "community:session_edit": ("GET", "community_session", EDIT),
    "community:session_delete": ("POST", "community_session", _rows(edit=302)),
    "community:coordinator_list": ("GET", None, LIST),
    "community:coordinator_create": ("GET", None, CREATE),
    "community:coordinator_edit": ("GET", "community_coordinator", EDIT),
    "community:network_meeting_list": ("GET", None, LIST),
    "community:network_meeting_create": ("GET", None, CREATE),
    "community:network_meeting_edit": ("GET", "community_meeting", EDIT),
    "community:training_list": ("GET", None, LIST),
    "community:training_create": ("GET", None, CREATE),
    "community:training_edit": ("GET", "community_training", EDIT),
    "community:summary": ("GET", None, LIST),
    "community:summary_xlsx": ("GET", None, LIST),
    "api:community_activity_list": ("GET", None, API_LIST),
    "api:community_activity_detail": ("GET", "community_activity", API_OBJ),
    "api:community_activity_sessions": ("POST", "community_activity", API_EDIT),
    "api:community_session_detail": ("GET", "community_session", API_OBJ),
    "api:community_coordinator_list": ("POST", None, API_CREATE),
    "api:community_coordinator_detail": ("GET", "community_coordinator", API_OBJ),
    "api:community_network_meeting_list": ("GET", None, API_LIST),
    "api:community_network_meeting_detail": ("GET", "community_meeting", API_OBJ),
    "api:community_training_list": ("POST", None, API_CREATE),
    "api:community_training_detail": ("GET", "community_training", API_OBJ),
    "api:community_figures": ("GET", None, API_LIST),
}


def objects(*, users, agency, municipality, base) -> dict:
    from kasane.community import services

    office = users["municipal"]
    activity = services.activity_create(
        user=office,
        name="本荘ふれあいサロン",
        project="3kon",
        kind="salon",
        area="本荘地区",
        operator="社協 本荘支部",
    )
    session = services.session_record(user=office, activity=activity, held_on=date(2026, 5, 13), age_65_74=8,
                                      age_75_over=12, volunteers=4)  # fmt: skip
    coordinator = services.coordinator_create(
        user=office, name="岐阜 花子", kind="welfare", areas="本荘、日光"
    )
    meeting = services.network_meeting_create(user=office, kind="council2", title="西部日常生活圏域協議体",
                                              held_on=date(2026, 6, 10), participants=18)  # fmt: skip
    training = services.training_create(user=office, title="見守りサポーター養成講座", held_on=date(2026, 7, 4),
                                        trainees=30, completed=28)  # fmt: skip
    return {
        "community_activity": activity.pk, "community_session": session.pk, "community_coordinator": coordinator.pk,
        "community_meeting": meeting.pk, "community_training": training.pk,
    }  # fmt: skip
