"""Authorization-matrix rows for the routes of outreach (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; prefix keys with "outreach" to avoid clashes.

The engagement: started by the outreach worker, no person identified, no consent. So only the outreach team
(the outreach actor) and the municipal office (the municipal actor) see it; the agency counselor and the
collaboration worker get 404, as do admin, evaluator and the other tenant. A second engagement, whose person
has consented to sharing with the counselor's agency, is visible to the counselor and the collaboration worker (read only: 403 to change).
Form POSTs without data are refused with a message and redirect to the engagement (302); the JSON-only API
answers 415 to a permitted form post.
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
CASEWORK = ["counselor", "collaboration", "outreach", "municipal"]
TEAM = ["outreach", "municipal"]


def _expect(allowed: dict, denied: int, *, anonymous: int = 302) -> dict:
    result = dict.fromkeys(ACTORS, denied)
    result["anonymous"] = anonymous
    result.update(allowed)
    return result


TEAM_GET = _expect(dict.fromkeys(TEAM, 200), 404)
TEAM_POST = _expect(dict.fromkeys(TEAM, 302), 404)
API_TEAM_GET = _expect(dict.fromkeys(TEAM, 200), 404, anonymous=401)
API_TEAM_POST = _expect(dict.fromkeys(TEAM, 415), 404, anonymous=401)
# After consent: the counselor (the consent names its agency) and the collaboration worker (same holder as the
# office that registered the person) read it; only the outreach team changes it.
READERS = ["counselor", "collaboration"]
SHARED_CHANGE = _expect({**dict.fromkeys(TEAM, 200), **dict.fromkeys(READERS, 403)}, 404)

ROWS: dict = {
    "outreach:engagement_list": ("GET", None, _expect(dict.fromkeys(CASEWORK, 200), 403)),
    "outreach:engagement_create": ("GET", None, _expect(dict.fromkeys(TEAM, 200), 403)),
    "outreach:engagement_detail": ("GET", "outreach_engagement", TEAM_GET),
    "outreach:attempt_create": ("GET", "outreach_consented", SHARED_CHANGE),
    "outreach:stage_change": ("GET", "outreach_engagement", TEAM_GET),
    "outreach:person_identify": ("GET", "outreach_engagement", TEAM_GET),
    "outreach:case_link": ("POST", "outreach_engagement", TEAM_POST),
    "outreach:next_attempt": ("POST", "outreach_engagement", TEAM_POST),
    "outreach:engagement_close": ("GET", "outreach_engagement", TEAM_GET),
    "api:engagement_list": ("GET", None, _expect(dict.fromkeys(CASEWORK, 200), 403, anonymous=401)),
    "api:engagement_detail": ("GET", "outreach_engagement", API_TEAM_GET),
    "api:engagement_attempts": (
        "GET",
        "outreach_consented",
        _expect({**dict.fromkeys(TEAM, 200), **dict.fromkeys(READERS, 200)}, 404, anonymous=401),
    ),  # fmt: skip
    "api:engagement_stage": ("POST", "outreach_engagement", API_TEAM_POST),
    "api:engagement_identify": ("POST", "outreach_engagement", API_TEAM_POST),
    "api:engagement_case": (
        "POST",
        "outreach_consented",
        _expect({**dict.fromkeys(TEAM, 415), **dict.fromkeys(READERS, 403)}, 404, anonymous=401),
    ),  # fmt: skip
    "api:engagement_close": ("POST", "outreach_engagement", API_TEAM_POST),
}


def objects(*, users, agency, municipality, base) -> dict:
    from django.utils import timezone

    from kasane.intake import services as intake_services
    from kasane.outreach import services

    worker = users["outreach"]
    today = timezone.localdate()
    hidden = services.engagement_create(
        user=worker, description="60代男性、鷺山のアパート", source="commissioner", area="鷺山"
    )
    shared = services.engagement_create(user=worker, description="50代女性、長良の戸建て", source="resident")
    shared = services.person_identify(
        user=worker, engagement=shared, version=shared.version, new_person={"family_name": "長良"}
    )
    intake_services.consent_record(
        user=worker, person=shared.person, obtained_on=today, method="oral", agencies=[agency]
    )
    return {"outreach_engagement": hidden.pk, "outreach_consented": shared.pk}
