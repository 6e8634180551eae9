"""Authorization-matrix rows for the routes of this area (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; `base` holds the shared ones
(person, consultation, consent, referral … recorded by the counselor's agency, see the main module).

The case: opened by the collaboration worker at the municipal office about a person whose consent covers the
office and the counselor's agency, with the counselor's agency on the team. So the office's casework staff
(collaboration, outreach, municipal) see it as the opening holder and the counselor as a team agency covered
by the consent; admin, evaluator and the other tenant see nothing (404). Lifecycle steps, team, lead and
deletion are the collaboration and municipal roles' (403 for the counselor and outreach); the 支援決定 is the
municipal office's alone. POSTs without form data are refused with a message and redirect to the case (302).
"""

from datetime import timedelta

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
TEAM = ["counselor", "collaboration", "outreach", "municipal"]  # see the case and record on it
MOVERS = ["collaboration", "municipal"]  # lifecycle steps, team, lead, deletion


def _rows(allowed: dict, visible_denied=403, invisible=404) -> dict:
    """Case routes: team actors not in `allowed` get `visible_denied`; non-casework actors `invisible`."""
    result = dict.fromkeys(ACTORS, invisible)
    result["anonymous"] = 302
    for actor in TEAM:
        result[actor] = allowed.get(actor, visible_denied)
    return result


def _plain(allowed: dict, denied=403) -> dict:
    """Routes without an object: a permission, not a visibility."""
    result = dict.fromkeys(ACTORS, denied)
    result["anonymous"] = 302
    result.update(allowed)
    return result


VIEWERS = _rows(dict.fromkeys(TEAM, 200))
EDITORS = _rows(dict.fromkeys(TEAM, 200))
EDITORS_POST = _rows(dict.fromkeys(TEAM, 302))
MOVERS_POST = _rows(dict.fromkeys(MOVERS, 302))

ROWS: dict = {
    "cases:case_list": ("GET", None, _plain(dict.fromkeys(TEAM, 200))),
    # Without a consultation, referral or person the page explains where to start; only the case roles open.
    "cases:case_create": ("GET", None, _plain(dict.fromkeys(MOVERS, 200))),
    "cases:case_detail": ("GET", "ui_case", VIEWERS),
    "cases:case_edit": ("GET", "ui_case", EDITORS),
    "cases:case_transition": ("POST", "ui_case", MOVERS_POST),
    "cases:case_consent": ("POST", "ui_case", MOVERS_POST),
    "cases:case_delete": ("POST", "ui_case", MOVERS_POST),  # refused: the case has a plan
    "cases:case_archive": ("POST", "ui_case", MOVERS_POST),  # refused: the case is not closed
    "cases:team_add": ("POST", "ui_case", MOVERS_POST),
    "cases:team_leave": ("POST", {"pk": "ui_case", "member_pk": "ui_member"}, MOVERS_POST),
    "cases:lead_change": ("POST", "ui_case", MOVERS_POST),
    "cases:decision_create": ("POST", "ui_case", _rows({"municipal": 302})),
    "cases:support_record_create": ("POST", "ui_case", EDITORS_POST),
    "cases:contact_attempt_create": ("POST", "ui_case", EDITORS_POST),
    "cases:monitoring_done": ("POST", {"pk": "ui_case", "monitoring_pk": "ui_monitoring"}, EDITORS_POST),
    "cases:assessment_create": ("GET", "ui_case", EDITORS),
    "cases:assessment_detail": ("GET", "ui_assessment", VIEWERS),
    # The case's first plan is still being drafted: a new plan redirects to editing it.
    "cases:plan_create": ("GET", "ui_case", EDITORS_POST),
    "cases:plan_detail": ("GET", "ui_plan", VIEWERS),
    "cases:plan_edit": ("GET", "ui_plan", EDITORS),
    "cases:plan_print": ("GET", "ui_plan", VIEWERS),
}


def objects(*, users, agency, municipality, base) -> dict:
    from kasane.cases import services
    from kasane.intake import services as intake_services

    worker = users["collaboration"]
    today = timezone.localdate()
    person = intake_services.intake_record(
        user=worker,
        new_person={"family_name": "長野", "given_name": "一郎"},
        consultation={
            "received_on": today,
            "route": "visit",
            "consulter": "self",
            "response": "collaboration",
        },
        consent={
            "obtained_on": today,
            "method": "written",
            "agencies": [agency],
            "covers_municipal_office": True,
        },
    ).person
    case = services.case_open(user=worker, person=person, title="長野さん世帯", reason_several_fields=True)
    member = services.team_add(user=worker, case=case, agency=agency, role="介護の相談")
    assessment = services.assessment_create(
        user=worker, case=case, assessed_on=today, entries=[{"person": person, "wishes": "家で暮らしたい"}]
    )
    plan = services.plan_create(
        user=worker, case=case, goals="日中の居場所を見つける", policy_text="参加支援でつなぐ", made_on=today,
        supports=[{"kind": "participation", "content": "地域のサロンへの参加", "agency": agency}],
        monitoring_dates=[today + timedelta(days=30)],
    )  # fmt: skip
    return {
        "ui_case": case.pk,
        "ui_member": member.pk,
        "ui_assessment": assessment.pk,
        "ui_plan": plan.pk,
        "ui_monitoring": plan.monitorings.get().pk,
    }
