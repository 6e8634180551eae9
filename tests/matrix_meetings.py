"""Authorization-matrix rows for the routes of this area (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; `base` holds the shared ones
(person, consultation, consent, referral … recorded by the counselor's agency, see the main module).

The municipal officer convenes both meetings. 重層的支援会議: the collaboration worker is a member. 支援会議:
the collaboration worker is a member who accepted the duty of secrecy, the outreach worker a member who has not
(sees the meeting, never its items), the counselor a non-participant (404 for everything, items included).
Admin and evaluator hold no casework role: meetings are invisible to them.
"""

from django.utils import timezone

from conftest import ACTORS
from kasane.meetings import services
from kasane.meetings.models import MeetingBody

CASEWORK = ("counselor", "collaboration", "outreach", "municipal")


def _rows(allowed: dict, denied=404, anonymous=302) -> dict:
    result = dict.fromkeys(ACTORS, denied)
    result["anonymous"] = anonymous
    result.update(allowed)
    return result


CONVENER = {"municipal": 200}
PLEDGED = ("municipal", "collaboration")  # of the 支援会議; also the members of the 重層的支援会議

ROWS: dict = {
    "meetings:meeting_list": ("GET", None, _rows(dict.fromkeys(CASEWORK, 200), 403)),
    "meetings:meeting_create": ("GET", None, _rows({"collaboration": 200, "municipal": 200}, 403)),
    "meetings:meeting_detail": (
        "GET",
        "conf_meeting",
        _rows({"municipal": 200, "collaboration": 200, "outreach": 200}),
    ),
    "meetings:meeting_edit": ("GET", "plan_meeting", _rows({"municipal": 200, "collaboration": 403})),
    "meetings:participant_add": ("POST", "plan_meeting", _rows({"municipal": 302, "collaboration": 403})),
    "meetings:participant_remove": ("POST", "plan_seat", _rows({"municipal": 302, "collaboration": 403})),
    "meetings:pledge": (
        "POST",
        "conf_meeting",
        _rows({"municipal": 302, "collaboration": 302, "outreach": 302}),
    ),
    "meetings:item_create": ("POST", "conf_meeting", _rows(dict.fromkeys(PLEDGED, 302) | {"outreach": 403})),
    "meetings:meeting_gap_add": (
        "POST",
        "conf_meeting",
        _rows(dict.fromkeys(PLEDGED, 302) | {"outreach": 403}),
    ),
    "meetings:minutes_print": ("GET", "conf_meeting", _rows(dict.fromkeys(PLEDGED, 200) | {"outreach": 403})),
    # A non-participant (counselor) and an unpledged member (outreach) asking for a 支援会議 item get 404.
    "meetings:item_detail": ("GET", "conf_item", _rows(dict.fromkeys(PLEDGED, 200))),
    "meetings:item_record": ("GET", "plan_item", _rows(dict.fromkeys(PLEDGED, 200))),
    "meetings:attachment_upload": ("POST", "conf_item", _rows(dict.fromkeys(PLEDGED, 302))),
    "meetings:attachment_download": ("GET", "conf_attachment", _rows(dict.fromkeys(PLEDGED, 200))),
    "meetings:item_release": ("POST", "conf_item", _rows(dict.fromkeys(PLEDGED, 302))),
    "meetings:body_list": ("GET", None, _rows({}, 200)),
    "meetings:body_create": ("GET", None, _rows({"admin": 200, "municipal": 200, "other_admin": 200}, 403)),
    "meetings:body_edit": (
        "GET",
        "meeting_body",
        _rows({"admin": 200, "municipal": 200, "other_admin": 404}, 403),
    ),
    # Gaps are anonymised: casework roles and admins see them; the evaluator sees aggregates only.
    "meetings:gap_list": (
        "GET",
        None,
        _rows(dict.fromkeys(CASEWORK, 200) | {"admin": 200, "other_admin": 200}, 403),
    ),
    "meetings:gap_create": ("GET", None, _rows(dict.fromkeys(CASEWORK, 200), 403)),
    "meetings:gap_status": ("POST", "gap", _rows(dict.fromkeys(CASEWORK, 302) | {"admin": 403})),
}


def objects(*, users, agency, municipality, base) -> dict:
    office, worker, outreach = users["municipal"], users["collaboration"], users["outreach"]
    today = timezone.localdate()
    plan_meeting = services.meeting_create(
        user=office, kind="plan", title="重層的支援会議（定例）", held_on=today, place="市役所 会議室"
    )
    plan_seat = services.participant_add(user=office, meeting=plan_meeting, staff=worker)
    plan_item = services.item_add(
        user=office, meeting=plan_meeting, kind="concern", title="地域の見守りの相談"
    )
    conf_meeting = services.meeting_create(
        user=office, kind="confidential", title="支援会議", held_on=today, place="市役所 小会議室"
    )
    for member in (worker, outreach):
        services.participant_add(user=office, meeting=conf_meeting, staff=member)
    for member in (office, worker):
        services.pledge_accept(user=member, meeting=conf_meeting, accepted=True)
    conf_item = services.item_add(user=office, meeting=conf_meeting, kind="emergency", title="虐待が疑われる世帯",
                                  emergency_reason="abuse")  # fmt: skip
    attachment = services.attachment_add(user=office, item=conf_item, name="経過.txt", content_type="text/plain",
                                         data="訪問の記録".encode())  # fmt: skip
    services.bodies_ensure(municipality.pk)
    gap = services.gap_record(user=office, what="夜間の居場所", for_whom="10代・不登校")
    return {
        "plan_meeting": plan_meeting.pk, "plan_seat": plan_seat.pk, "plan_item": plan_item.pk,
        "conf_meeting": conf_meeting.pk, "conf_item": conf_item.pk, "conf_attachment": attachment.pk,
        "meeting_body": MeetingBody.objects.filter(municipality=municipality).first().pk, "gap": gap.pk,
    }  # fmt: skip
