"""The pages of 多機関協働 through the test client: opening a case from a consultation, an assessment with check
items, a plan with 参加支援 and its PDF, the 支援決定, and refusals shown as Japanese messages (never a 500)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import login
from kasane.cases import services
from kasane.cases.models import Assessment, CollaborationCase, SupportPlan
from kasane.core.models import AccessLogEntry
from kasane.core.wareki import format_wareki
from kasane.intake import services as intake_services

from .conftest import hold_meeting, make_plan, open_case, record_person, refresh

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def page(response) -> str:
    return response.content.decode()


def consultation_with_consent(user, agencies=()):
    return intake_services.intake_record(
        user=user,
        new_person={"family_name": "長野", "given_name": "正美"},
        consultation={"received_on": today(), "route": "visit", "consulter": "self", "response": "collaboration"},
        consent={"obtained_on": today(), "method": "written", "agencies": list(agencies), "share_household": True},
    )  # fmt: skip


def plan_post(agency, *, kind="participation", content="地域のサロンへの参加", **extra):
    data = {
        "made_on": format_wareki(today()), "goals": "週に1回は外出する", "policy": "本人のペースで居場所につなぐ",
        "monitoring_1": (today() + timedelta(days=30)).isoformat(),
        "supports-TOTAL_FORMS": "3", "supports-INITIAL_FORMS": "0", "supports-MIN_NUM_FORMS": "0",
        "supports-MAX_NUM_FORMS": "30",
        "supports-0-kind": kind, "supports-0-agency": agency.pk, "supports-0-content": content,
        "supports-0-frequency": "週1回",
        "supports-1-kind": "other", "supports-2-kind": "other",
    }  # fmt: skip
    return data | extra


# --- opening a case ---------------------------------------------------------------------------------------------


def test_a_collaboration_worker_opens_a_case_from_a_consultation(client, team):
    worker = team["worker"]
    record = consultation_with_consent(worker)
    login(client, worker)
    detail = page(client.get(f"/intake/{record.pk}/"))
    assert f"/cases/new/?consultation={record.pk}" in detail and "多機関協働の事例を開始" in detail
    form = client.get(f"/cases/new/?consultation={record.pk}")
    assert form.status_code == 200 and "重層的支援会議" in page(form)
    response = client.post(
        f"/cases/new/?consultation={record.pk}",
        {"title": "長野さん世帯の事例", "opened_on": format_wareki(today()), "reason_several_fields": "on",
         "reason_outreach_participation": "on", "summary": "8050の世帯"},
    )  # fmt: skip
    case = CollaborationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.consultation == record and case.person == record.person and case.route == "plan"
    shown = page(client.get(response["Location"]))
    assert (
        case.number in shown
        and "重層的支援会議（本人同意あり）" in shown
        and "アウトリーチ・参加支援が必要" in shown
    )
    assert case.number in page(client.get("/cases/"))


def test_opening_without_a_reason_shows_the_japanese_message(client, team):
    record = consultation_with_consent(team["worker"])
    login(client, team["worker"])
    response = client.post(f"/cases/new/?consultation={record.pk}", {"title": "事例", "opened_on": "R6.4.1"})
    assert response.status_code == 200
    assert "多機関協働とする理由を1つ以上選んでください。" in page(response)
    assert not CollaborationCase.objects.exists()


def test_a_counselor_sees_no_link_and_may_not_open_a_case(client, team):
    record = consultation_with_consent(team["colleague"])
    login(client, team["colleague"])
    assert "多機関協働の事例を開始" not in page(client.get(f"/intake/{record.pk}/"))
    assert client.get(f"/cases/new/?consultation={record.pk}").status_code == 403


def test_another_agency_without_consent_cannot_see_the_case(client, team):
    case = open_case(team["worker"], record_person(team["worker"], consent=False))
    login(client, team["outsider"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/transition/", {"action": "close"}).status_code == 404


# --- assessment -------------------------------------------------------------------------------------------------


def test_an_assessment_with_check_items_is_a_new_version_with_an_ecomap(client, team, agency):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    login(client, worker)
    form = client.get(f"/cases/{case.pk}/assessments/new/")
    assert form.status_code == 200 and "治療中の病気がある" in page(form)
    p = f"p{case.person_id}"
    response = client.post(
        f"/cases/{case.pk}/assessments/new/",
        {"assessed_on": format_wareki(today()), "household_issues": "母の介護と本人の無収入が重なっている",
         f"{p}-items_health": ["illness", "mental"], f"{p}-note_health": "月1回通院", f"{p}-items_income": ["no_income"],
         f"{p}-wishes": "家で暮らし続けたい", f"{p}-agencies_involved": [agency.pk]},
    )  # fmt: skip
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/assessments/{assessment.pk}/"
    entry = assessment.entries.get()
    assert entry.areas["health"] == {"items": ["illness", "mental"], "note": "月1回通院"}
    assert list(entry.agencies_involved.all()) == [agency]
    shown = page(client.get(response["Location"]))
    assert "治療中の病気がある" in shown and "こころの不調がある" in shown and "<svg" in shown
    assert "地域包括支援センター" in shown and "家で暮らし続けたい" in shown
    # The next version starts from this one (pre-filled) and leaves it as it was.
    again = page(client.get(f"/cases/{case.pk}/assessments/new/"))
    assert "家で暮らし続けたい" in again and "第1版" in again
    client.post(
        f"/cases/{case.pk}/assessments/new/",
        {"assessed_on": format_wareki(today()), f"{p}-wishes": "働きたい"},
    )
    assert [a.number for a in case.assessments.all()] == [1, 2]
    assert refresh_entry(entry).wishes == "家で暮らし続けたい"


def refresh_entry(entry):
    entry.refresh_from_db()
    return entry


# --- plans -------------------------------------------------------------------------------------------------------


def test_a_plan_with_participation_support_goes_to_the_decision(client, team, agency):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    login(client, worker)
    assert client.get(f"/cases/{case.pk}/plans/new/").status_code == 200
    response = client.post(f"/cases/{case.pk}/plans/new/", plan_post(agency))
    plan = SupportPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/plans/{plan.pk}/"
    assert plan.number == 1 and plan.has_participation and not plan.has_other_supports
    assert plan.supports.get().frequency == "週1回" and plan.monitorings.count() == 1
    shown = page(client.get(response["Location"]))
    assert "参加支援" in shown and "地域のサロンへの参加" in shown
    hold_meeting(worker, case, 1, outcome="approve_plan")
    client.post(f"/cases/{case.pk}/transition/", {"action": "submit_plan", "version": refresh(case).version})
    assert refresh(case).state == "awaiting_decision"
    # Only the municipal office records the 支援決定; the form is on its case page.
    assert "支援決定を記録" not in page(client.get(f"/cases/{case.pk}/"))
    login(client, office)
    assert "支援決定を記録" in page(client.get(f"/cases/{case.pk}/"))
    client.post(f"/cases/{case.pk}/decisions/", {"decided_on": format_wareki(today()), "approved": "yes"})
    assert refresh(case).state == "confirmed"


def test_a_plan_without_supports_shows_the_japanese_message(client, team, agency):
    case = open_case(team["worker"], record_person(team["worker"], consent=True))
    login(client, team["worker"])
    response = client.post(f"/cases/{case.pk}/plans/new/", plan_post(agency, content=""))
    assert response.status_code == 200
    assert "支援の内容を1つ以上入力してください" in page(response)
    assert not SupportPlan.objects.exists()


def test_the_plan_prints_as_an_a4_pdf_with_japanese_text(client, team, agency):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = services.plan_create(
        user=worker, case=case, goals="週に1回は外出する", policy_text="本人のペースで", made_on=today(),
        supports=[{"kind": "participation", "content": "地域のサロンへの参加", "agency": agency}],
        monitoring_dates=[today() + timedelta(days=30)],
    )  # fmt: skip
    login(client, worker)
    response = client.get(f"/cases/plans/{plan.pk}/print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert round(width) == 595 and round(height) == 842  # A4 in points
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in (
        "プラン兼利用申込書",
        "週に1回は外出する",
        "地域のサロンへの参加",
        "参加支援事業",
        "本人署名",
    ):
        assert expected in text, expected
    assert AccessLogEntry.objects.filter(action="print", case_id=case.pk).exists()


def test_an_earlier_plan_version_cannot_be_edited(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    v1 = make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    v2 = make_plan(worker, refresh(case), "other")
    assert v2.number == 2
    login(client, worker)
    response = client.get(f"/cases/plans/{v1.pk}/edit/", follow=True)
    assert response.status_code == 200
    assert "第1版は過去の版のため変更できません。" in page(response)
    post = client.post(
        f"/cases/plans/{v1.pk}/edit/", {"goals": "書き換え", "policy": "書き換え"}, follow=True
    )
    assert "第1版は過去の版のため変更できません。" in page(post)
    v1.refresh_from_db()
    assert v1.goals == "目標"
    assert client.get(f"/cases/plans/{v2.pk}/edit/").status_code == 200


# --- refusals -------------------------------------------------------------------------------------------------------


def test_a_refused_transition_shows_the_japanese_reason(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    login(client, worker)
    response = client.post(
        f"/cases/{case.pk}/transition/",
        {"action": "submit_plan", "version": refresh(case).version},
        follow=True,
    )
    assert response.status_code == 200
    assert "この版のプランを承認した重層的支援会議（①プラン策定時）の記録がありません。" in page(response)
    assert refresh(case).state == "draft"


def test_closing_without_an_evaluation_asks_for_it_on_a_small_form(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    login(client, worker)
    response = client.post(
        f"/cases/{case.pk}/transition/", {"action": "close", "version": refresh(case).version}
    )
    assert response.status_code == 200
    assert "終結時の評価とフォローアップ" in page(response) and 'name="closing_evaluation"' in page(response)
    done = client.post(
        f"/cases/{case.pk}/transition/",
        {"action": "close", "version": refresh(case).version, "closing_evaluation": "目標を達成", "follow_up": "不要"},
        follow=True,
    )  # fmt: skip
    assert "③支援終結の判断時" in page(done) and refresh(case).state == "monitoring"


def test_a_stale_version_shows_the_conflict_message(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    login(client, worker)
    opened = refresh(case).version
    services.case_update(user=team["office"], case=case, version=opened, title="別の職員が変更")
    response = client.post(
        f"/cases/{case.pk}/edit/", {"title": "私の変更", "reason_several_fields": "on", "version": opened}
    )
    assert response.status_code == 200
    assert "他の職員がこの事例を先に更新しました" in page(response) and "事例名" in page(response)
    assert refresh(case).title == "別の職員が変更"
    stale = client.post(
        f"/cases/{case.pk}/transition/", {"action": "start_support", "version": opened}, follow=True
    )
    assert "他の職員がこの事例を先に更新しました" in page(stale)


def test_a_team_counselor_records_support_but_may_not_move_the_case(client, team):
    worker, colleague = team["worker"], team["colleague"]
    case = open_case(worker, record_person(worker, consent=True))
    login(client, colleague)
    response = client.post(
        f"/cases/{case.pk}/records/", {"recorded_on": format_wareki(today()), "content": "自宅を訪問した"}
    )
    assert response.status_code == 302 and case.support_records.get().content == "自宅を訪問した"
    assert client.post(f"/cases/{case.pk}/transition/", {"action": "close"}).status_code == 403
    assert "自宅を訪問した" in page(client.get(f"/cases/{case.pk}/"))


def test_a_case_with_a_plan_is_not_deleted(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    login(client, worker)
    response = client.post(f"/cases/{case.pk}/delete/", follow=True)
    assert "プランやアセスメントのある事例は削除できません" in page(response)
    assert CollaborationCase.objects.filter(pk=case.pk).exists()


def test_in_support_the_team_records_monitoring_and_contact_attempts(client, team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    monitoring = plan.monitorings.get()
    login(client, worker)
    assert "実施を記録" in page(client.get(f"/cases/{case.pk}/"))
    empty = client.post(f"/cases/{case.pk}/monitorings/{monitoring.pk}/done/", {}, follow=True)
    assert "実施日" in page(empty) and refresh_monitoring(monitoring).done_on is None
    client.post(
        f"/cases/{case.pk}/monitorings/{monitoring.pk}/done/",
        {"done_on": format_wareki(today()), "note": "外出が増えた"},
    )
    assert refresh_monitoring(monitoring).note == "外出が増えた"
    client.post(
        f"/cases/{case.pk}/contacts/",
        {"attempted_on": format_wareki(today()), "method": "visit", "outcome": "absent", "note": "不在"},
    )
    assert case.contact_attempts.get().method == "visit"
    assert client.post(f"/cases/{case.pk}/monitorings/99999999999999999999/done/").status_code == 404


def refresh_monitoring(monitoring):
    monitoring.refresh_from_db()
    return monitoring
