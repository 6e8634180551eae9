"""The meeting pages through Django's test client: the 支援会議 compartment (pledge before material, 404 for
non-members, minutes only for pledged members), tax-sourced attachments, emergency items first, and the
consent rule of the 重層的支援会議."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import login
from kasane.cases.tests import conftest as case_builders
from kasane.cases.tests.conftest import open_case, record_person
from kasane.core.models import AccessLogEntry
from kasane.intake import services as intake_services
from kasane.meetings import services
from kasane.meetings.models import DEFAULT_PLEDGE, AgendaItem, Attachment, Release, SecrecyPledge

pytestmark = pytest.mark.django_db

team = case_builders.team  # the fixture: a worker, the office, other agencies

SECRET = "長男からの暴言があると民生委員から情報"


def _confidential(team, *members, pledged=()):
    office = team["office"]
    meeting = services.meeting_create(
        user=office, kind="confidential", title="第1回 支援会議", held_on=timezone.localdate(), place="市役所"
    )
    for member in members:
        services.participant_add(user=office, meeting=meeting, staff=member)
    for member in (office, *pledged):
        services.pledge_accept(user=member, meeting=meeting, accepted=True)
    return meeting


def _detail(client, meeting):
    return client.get(reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}))


def test_an_unpledged_member_sees_the_pledge_but_no_item_until_pledging(client, team):
    worker = team["worker"]
    meeting = _confidential(team, worker)
    services.item_add(user=team["office"], meeting=meeting, kind="concern", title=SECRET)
    login(client, worker)

    html = _detail(client, meeting).content.decode()
    assert SECRET not in html
    assert DEFAULT_PLEDGE in html and "誓約する" in html
    assert "市役所" in html and worker.full_name in html  # date, place and members are shown
    assert client.get(reverse("meetings:minutes_print", kwargs={"pk": meeting.pk})).status_code == 403

    before = timezone.now()
    response = client.post(
        reverse("meetings:pledge", kwargs={"pk": meeting.pk}), {"accepted": "on"}, follow=True
    )
    assert "守秘義務を誓約しました" in response.content.decode()
    assert SECRET in response.content.decode()
    pledge = SecrecyPledge.objects.get(meeting=meeting, user=worker)
    assert pledge.text == meeting.pledge_text == DEFAULT_PLEDGE
    assert before <= pledge.accepted_at <= timezone.now()


def test_the_pledge_needs_the_checkbox(client, team):
    meeting = _confidential(team, team["worker"])
    login(client, team["worker"])
    response = client.post(reverse("meetings:pledge", kwargs={"pk": meeting.pk}), {}, follow=True)
    assert "同意するにチェックしてください" in response.content.decode()
    assert not SecrecyPledge.objects.filter(meeting=meeting, user=team["worker"]).exists()


def test_non_members_get_404_for_the_meeting_the_item_and_the_attachment(client, team):
    meeting = _confidential(team, team["worker"])
    item = services.item_add(user=team["office"], meeting=meeting, kind="concern", title=SECRET)
    attachment = services.attachment_add(
        user=team["office"], item=item, name="記録.txt", content_type="text/plain", data=b"x"
    )
    urls = [
        reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk}),
        reverse("meetings:item_detail", kwargs={"pk": item.pk}),
        reverse("meetings:attachment_download", kwargs={"pk": attachment.pk}),
        reverse("meetings:minutes_print", kwargs={"pk": meeting.pk}),
    ]
    login(client, team["outsider"])
    assert [client.get(u).status_code for u in urls] == [404, 404, 404, 404]
    login(client, team["worker"])  # a member before the pledge: the meeting, but none of its material
    assert [client.get(u).status_code for u in urls] == [200, 404, 404, 403]


def test_a_pledged_member_downloads_an_attachment_and_the_read_is_logged(client, team):
    meeting = _confidential(team)
    item = services.item_add(user=team["office"], meeting=meeting, kind="concern", title=SECRET)
    login(client, team["office"])
    upload = io.BytesIO("訪問の記録".encode())
    upload.name = "訪問記録.txt"
    client.post(reverse("meetings:attachment_upload", kwargs={"pk": item.pk}), {"file": upload})
    attachment = Attachment.objects.get(item=item)
    response = client.get(reverse("meetings:attachment_download", kwargs={"pk": attachment.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == "訪問の記録".encode()
    assert AccessLogEntry.objects.filter(
        user=team["office"], action="view", object_type="meetings.attachment", object_id=str(attachment.pk)
    ).exists()


def test_tax_sourced_material_is_refused_without_consent_and_hidden_after_withdrawal(client, team):
    office = team["office"]
    meeting = _confidential(team)
    login(client, office)
    item = services.item_add(user=office, meeting=meeting, kind="concern", title="滞納のある世帯")
    upload = io.BytesIO(b"tax")
    upload.name = "課税情報.pdf"
    response = client.post(reverse("meetings:attachment_upload", kwargs={"pk": item.pk}),
                           {"file": upload, "tax_sourced": "on"}, follow=True)  # fmt: skip
    assert "税務情報（地方税法第22条）は、本人の同意の記録がなければ支援会議に添付できません。" in (
        response.content.decode()
    )
    assert not Attachment.objects.filter(item=item).exists()

    case = open_case(office, record_person(office, consent=True))
    with_case = services.item_add(user=office, meeting=meeting, kind="case", title="", case=case, timing=3)
    upload = io.BytesIO(b"tax")
    upload.name = "課税情報.pdf"
    client.post(reverse("meetings:attachment_upload", kwargs={"pk": with_case.pk}),
                {"file": upload, "tax_sourced": "on"})  # fmt: skip
    attachment = Attachment.objects.get(item=with_case, tax_sourced=True)
    url = reverse("meetings:attachment_download", kwargs={"pk": attachment.pk})
    assert client.get(url).status_code == 200
    consent = case.person.consents.get()
    intake_services.consent_withdraw(user=office, consent=consent, withdrawn_on=timezone.localdate())
    assert client.get(url).status_code == 404
    item_page = client.get(reverse("meetings:item_detail", kwargs={"pk": with_case.pk})).content.decode()
    assert "課税情報.pdf" not in item_page


def test_emergency_items_are_flagged_and_listed_first(client, team):
    meeting = _confidential(team)
    login(client, team["office"])
    detail = reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    client.post(reverse("meetings:item_create", kwargs={"pk": meeting.pk}),
                {"kind": "concern", "title": "ひきこもりが続く40代"})  # fmt: skip
    client.post(reverse("meetings:item_create", kwargs={"pk": meeting.pk}),
                {"kind": "emergency", "title": "食事がとれていない高齢者", "emergency_reason": "weakness"})  # fmt: skip
    html = client.get(detail).content.decode().split('id="items-h"')[1]
    assert html.index("食事がとれていない高齢者") < html.index("ひきこもりが続く40代")
    assert "【緊急：衰弱】" in html
    response = client.post(reverse("meetings:item_create", kwargs={"pk": meeting.pk}),
                           {"kind": "emergency", "title": "理由なし"}, follow=True)  # fmt: skip
    assert "緊急の理由（衰弱・重篤な疾患・虐待・DVの疑い）を選んでください。" in response.content.decode()


def test_minutes_pdf_of_a_confidential_meeting_is_marked_secret(client, team):
    meeting = _confidential(team, team["worker"], pledged=[team["worker"]])
    item = services.item_add(user=team["office"], meeting=meeting, kind="concern", title=SECRET)
    services.item_record(user=team["office"], item=item, version=item.version, minutes="見守りを強める",
                         outcome="approach", decision_note="地域包括が週1回訪問")  # fmt: skip
    login(client, team["worker"])
    response = client.get(reverse("meetings:minutes_print", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("支援会議", "議事録", "構成員限り", SECRET, "地域包括が週1回訪問"):
        assert expected in text.replace(" ", ""), expected
    assert AccessLogEntry.objects.filter(
        user=team["worker"], action="print", object_type="meetings.meeting"
    ).exists()


def test_plan_meeting_refuses_a_case_without_consent(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=False))
    meeting = services.meeting_create(user=worker, kind="plan", title="重層的支援会議",
                                      held_on=timezone.localdate() + timedelta(days=3), place="包括")  # fmt: skip
    login(client, worker)
    response = client.post(reverse("meetings:item_create", kwargs={"pk": meeting.pk}),
                           {"kind": "case", "case": case.pk, "timing": "1"}, follow=True)  # fmt: skip
    assert "本人の同意がない事例は重層的支援会議では扱えません" in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_a_collaboration_worker_cannot_convene_a_confidential_meeting(client, team):
    login(client, team["worker"])
    page = client.get(reverse("meetings:meeting_create") + "?kind=confidential").content.decode()
    assert 'value="confidential"' not in page
    response = client.post(reverse("meetings:meeting_create"),
                           {"kind": "confidential", "title": "x", "held_on": "令和8年4月1日", "place": "x"})  # fmt: skip
    assert response.status_code == 200
    assert "正しく選択してください。" in response.content.decode()
    assert not team["worker"].municipality.meetings.exists()


def test_the_office_convenes_a_meeting_and_sees_basis_and_consent_rule(client, team):
    office = team["office"]
    login(client, office)
    page = client.get(reverse("meetings:meeting_create") + "?kind=confidential").content.decode()
    assert office.municipality.confidential_meeting_legal_basis in page
    response = client.post(reverse("meetings:meeting_create"), {"kind": "confidential", "title": "定例",
                           "held_on": "令和8年4月1日", "starts_at": "14:00", "online": "on"})  # fmt: skip
    assert response.status_code == 302
    meeting = office.municipality.meetings.get()
    assert (meeting.kind, meeting.legal_basis) == (
        "confidential",
        office.municipality.confidential_meeting_legal_basis,
    )
    listing = client.get(reverse("meetings:meeting_list")).content.decode()
    assert "令和8年4月1日" in listing and "14:00" in listing


def test_no_route_exports_meeting_items():
    from kasane.meetings import urls

    names = [p.name for p in urls.urlpatterns] + [str(p.pattern) for p in urls.urlpatterns]
    assert not [n for n in names if "csv" in n or "xlsx" in n or "export" in n]


def test_a_confidential_item_is_released_into_the_case_only_with_consent(client, team):
    office = team["office"]
    meeting = _confidential(team)
    login(client, office)
    without = open_case(office, record_person(office, consent=False, given_name="次郎"))
    item = services.item_add(user=office, meeting=meeting, kind="case", title="", case=without, timing=3)
    url = reverse("meetings:item_release", kwargs={"pk": item.pk})
    response = client.post(url, {"note": "本人が同意"}, follow=True)
    assert "本人の同意が記録されていないため、事例に移せません" in response.content.decode()
    assert not Release.objects.filter(item=item).exists()

    consenting = open_case(office, record_person(office, consent=True))
    item = services.item_add(user=office, meeting=meeting, kind="case", title="", case=consenting, timing=3)
    url = reverse("meetings:item_release", kwargs={"pk": item.pk})
    response = client.post(url, {"note": "本人が同意"}, follow=True)
    assert "事例の記録に移しました" in response.content.decode()
    release = Release.objects.get(item=item)
    assert (release.released_by, release.note) == (office, "本人が同意")


def test_a_stale_minutes_edit_is_refused_and_shows_the_latest_record(client, team):
    meeting = _confidential(team)
    item = services.item_add(user=team["office"], meeting=meeting, kind="concern", title="見守り")
    services.item_record(user=team["office"], item=item, version=item.version, minutes="先に保存した内容")
    login(client, team["office"])
    url = reverse("meetings:item_record", kwargs={"pk": item.pk})
    response = client.post(url, {"minutes": "古い版からの変更", "outcome": "", "version": item.version})
    html = response.content.decode()
    assert response.status_code == 200
    assert "他の職員がこの議題を先に更新しました（変更された項目：議事録）" in html
    assert "先に保存した内容" in html
    item.refresh_from_db()
    assert item.minutes == "先に保存した内容"
    response = client.post(url, {"minutes": "新しい内容", "outcome": "approach", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.minutes, item.outcome) == ("新しい内容", "approach")


def test_plan_outcomes_are_refused_in_a_confidential_meeting(client, team):
    meeting = _confidential(team)
    item = services.item_add(user=team["office"], meeting=meeting, kind="concern", title="見守り")
    login(client, team["office"])
    url = reverse("meetings:item_record", kwargs={"pk": item.pk})
    response = client.post(url, {"minutes": "x", "outcome": "closure", "version": item.version})
    assert response.status_code == 200
    assert "の事例の議題でだけ記録できます" in response.content.decode()


def test_bodies_are_seeded_on_first_view_and_edited_by_the_office(client, team):
    office = team["office"]
    login(client, office)
    html = client.get(reverse("meetings:body_list")).content.decode()
    assert "要保護児童対策地域協議会の個別ケース検討会" in html
    body = office.municipality.meeting_bodies.get(name="個別支援会議")
    response = client.post(reverse("meetings:body_edit", kwargs={"pk": body.pk}),
                           {"name": "個別支援会議", "field": "障害", "legal_basis": "要綱"})  # fmt: skip
    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.consent_required, body.legal_basis) == (False, "要綱")
    login(client, team["worker"])
    assert client.get(reverse("meetings:body_edit", kwargs={"pk": body.pk})).status_code == 403


def test_resource_gaps_are_recorded_filtered_and_moved_on(client, team):
    login(client, team["worker"])
    client.post(reverse("meetings:gap_create"), {"what": "夜間の居場所", "for_whom": "10代・不登校"})
    client.post(reverse("meetings:gap_create"), {"what": "移動支援", "for_whom": "70代・独居"})
    gap = team["worker"].municipality.resource_gaps.get(what="移動支援")
    response = client.post(reverse("meetings:gap_status", kwargs={"pk": gap.pk}), {"status": "developing"})
    assert response.status_code == 302
    html = client.get(reverse("meetings:gap_list") + "?status=developing").content.decode()
    assert "移動支援" in html and "夜間の居場所" not in html


HUGE = "99999999999999999999"


def test_odd_input_is_a_4xx_or_a_message_never_a_500(client, team):
    meeting = _confidential(team)
    login(client, team["office"])
    for url in (f"/meetings/{HUGE}/", f"/meetings/items/{HUGE}/", f"/meetings/attachments/{HUGE}/",
                f"/meetings/{HUGE}/minutes.pdf", f"/meetings/bodies/{HUGE}/edit/", "/meetings/gaps/?status=%00",
                "/meetings/new/?kind=%00"):  # fmt: skip
        assert client.get(url).status_code in (200, 400, 404), url
    for url in (f"/meetings/participants/{HUGE}/remove/", f"/meetings/gaps/{HUGE}/status/"):
        assert client.post(url).status_code == 404, url
    base = f"/meetings/{meeting.pk}"
    posts = [(f"{base}/items/", {"kind": "case", "case": HUGE, "timing": "9"}),
             (f"{base}/participants/", {"staff": HUGE}), (f"{base}/participants/", {"name": "a\x00b"}),
             (f"{base}/pledge/", {"accepted": "maybe"}), (f"{base}/gaps/", {"what": "x" * 500})]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 302, (url, data)
