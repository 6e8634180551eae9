"""Authorization-matrix rows for the routes of this area (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; `base` holds the shared ones
(person, consultation, consent, referral … recorded by the counselor's agency, see the main module).

The API of 多機関協働. The case is opened by the collaboration worker (no agency: the municipal office's
counter, which the outreach and municipal actors share) for a person whose consent covers the counselor's
agency, which is on the team: every casework actor sees it. Transitions are the collaboration worker's and
the office's; the 支援決定 is the office's alone. The 支援会議 is convened by the municipal officer; the
collaboration worker has pledged secrecy, the counselor is a member who has not, the outreach actor is no
member. The client posts form data, so a permitted POST answers 415 (the API takes JSON only).
"""

from django.utils import timezone

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
CASEWORK = ["counselor", "collaboration", "outreach", "municipal"]


def _expect(allowed: dict, denied: int, *, anonymous: int = 401, invisible: int = 404) -> dict:
    """Staff without a casework role (admin, evaluator) and another tenant's admin never see the records."""
    result = dict.fromkeys(ACTORS, denied)
    result.update(anonymous=anonymous, admin=invisible, evaluator=invisible, other_admin=invisible)
    result.update(allowed)
    return result


LIST = _expect(dict.fromkeys(CASEWORK, 200), 403, invisible=403)
CASE_READ = _expect(dict.fromkeys(CASEWORK, 200), 404)
MEMBERS_PLEDGED = {"collaboration": 200, "municipal": 200}

ROWS: dict = {
    "api:case_list": ("GET", None, LIST),
    "api:case_detail": ("GET", "api_case", CASE_READ),
    "api:case_transition": ("POST", "api_case", _expect({"collaboration": 415, "municipal": 415}, 403)),
    "api:case_assessments": ("GET", "api_case", CASE_READ),
    "api:assessment_detail": ("GET", "api_assessment", CASE_READ),
    "api:case_plans": ("GET", "api_case", CASE_READ),
    "api:plan_detail": ("GET", "api_plan", CASE_READ),
    "api:case_decisions": ("POST", "api_case", _expect({"municipal": 415}, 403)),
    "api:meeting_list": ("GET", None, LIST),
    "api:meeting_detail": ("GET", "api_meeting", _expect({**MEMBERS_PLEDGED, "counselor": 200}, 404)),
    # A member who has not pledged may not add to the 支援会議 (403); a non-member does not see it (404).
    "api:meeting_items": (
        "POST",
        "api_meeting",
        _expect({"collaboration": 415, "municipal": 415, "counselor": 403}, 404),
    ),  # fmt: skip
    # Only the convener (the municipal officer) changes the members; the others are members or outsiders.
    "api:meeting_participants": (
        "POST",
        "api_meeting",
        _expect({"municipal": 415, "collaboration": 403, "counselor": 403}, 404),
    ),
    "api:meeting_pledge": (
        "POST",
        "api_meeting",
        _expect(dict.fromkeys(["collaboration", "municipal", "counselor"], 415), 404),
    ),  # fmt: skip
    # The item of a 支援会議: its pledged members only; the unpledged member sees nothing either.
    "api:item_detail": ("GET", "api_item", _expect(MEMBERS_PLEDGED, 404)),
}


def objects(*, users, agency, municipality, base) -> dict:
    from kasane.cases import services as case_services
    from kasane.intake import services as intake_services
    from kasane.meetings import services as meeting_services

    today = timezone.localdate()
    worker, office = users["collaboration"], users["municipal"]
    person = intake_services.intake_record(
        user=worker,
        new_person={"family_name": "長野", "given_name": "正美"},
        consultation={
            "received_on": today,
            "route": "visit",
            "consulter": "self",
            "response": "collaboration",
        },
        consent={"obtained_on": today, "method": "written", "agencies": [agency]},
    ).person
    case = case_services.case_open(
        user=worker, person=person, title="長野さん一家", reason_several_fields=True
    )
    case_services.team_add(user=worker, case=case, agency=agency, role="相談支援")
    assessment = case_services.assessment_create(
        user=worker, case=case, assessed_on=today, entries=[{"person": person, "strengths": "家族思い"}]
    )
    plan = case_services.plan_create(user=worker, case=case, goals="生活の安定", policy_text="家計から",
                                     made_on=today, supports=[{"kind": "other", "content": "家計の相談"}])  # fmt: skip
    meeting = meeting_services.meeting_create(
        user=office, kind="confidential", title="支援会議", held_on=today, place="会議室"
    )
    for member in (worker, users["counselor"]):
        meeting_services.participant_add(user=office, meeting=meeting, staff=member)
    for member in (worker, office):
        meeting_services.pledge_accept(user=member, meeting=meeting, accepted=True)
    item = meeting_services.item_add(user=office, meeting=meeting, kind="concern", title="気になる事案")
    return {
        "api_case": case.pk, "api_assessment": assessment.pk, "api_plan": plan.pk, "api_meeting": meeting.pk,
        "api_item": item.pk,
    }  # fmt: skip
