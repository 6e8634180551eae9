"""多機関協働 end to end in the browser, on the demo's 長野市:

1. 長野さん一家: opened from the referral, assessment, plan v1 with 参加支援, 重層的支援会議 ①, the city's 支援決定,
   confirmed, monitoring, re-plan through ②, closure through ③.
2. A person without consent: the case goes to a 支援会議 whose members each accept the duty of secrecy before
   seeing anything, then moves to the 重層的支援会議 route once the person consents, keeping one history.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kasane.cases.models import CollaborationCase, MunicipalReport
from kasane.core.demo import DEMO_PASSWORD, load_demo
from kasane.core.models import User
from kasane.intake import services as intake_services
from kasane.intake.models import Referral
from kasane.meetings.models import SecrecyPledge
from kasane.people.models import Person

from .helpers import logout, submit_login

pytestmark = pytest.mark.e2e


def _login(page: Page, url, username: str) -> None:
    submit_login(page, url, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()


def _hold_meeting(page: Page, url, *, kind_label: str, title: str, members=(), case_label: str, timing: str,
                  outcome: str, minutes: str) -> None:  # fmt: skip
    """Convene today's meeting, add members, put the case on the agenda and record the outcome."""
    page.goto(url("/meetings/new/"))
    page.get_by_label(kind_label, exact=True).check()
    page.get_by_label("会議名").fill(title)
    page.get_by_label("開催日").fill(timezone.localdate().isoformat())
    page.get_by_label("場所", exact=True).fill("長野市役所 第一庁舎 会議室")
    page.get_by_role("button", name="招集する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    for member in members:
        page.get_by_label("職員", exact=True).select_option(label=member)
        page.get_by_role("button", name="追加", exact=True).click()
        expect(page.locator("table")).to_contain_text(member.split("（")[0])
    page.get_by_label("事例（タイミング①〜④）", exact=True).check()
    page.get_by_label("事例", exact=True).select_option(label=case_label)
    page.get_by_label("タイミング（事例のとき）").select_option(label=timing)
    page.get_by_role("button", name="議題を追加").click()
    page.get_by_role("link", name="議事録・決定事項を記録").first.click()
    page.get_by_label("議事録").fill(minutes)
    page.get_by_label("決定事項", exact=True).select_option(label=outcome)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(minutes).first).to_be_visible()


def _open_case_page(page: Page, url, case: CollaborationCase) -> None:
    page.goto(url(f"/cases/{case.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.title)


def _press(page: Page, label: str) -> None:
    page.locator("#next").get_by_role("button", name=label).click()


def test_the_nagano_family_case_from_referral_to_closure(page, url, shot):
    load_demo()
    referral = Referral.objects.get(person__family_name="長野", person__given_name="花子")
    office = User.objects.get(username="nagano-shichoson")
    office_option = f"{office.full_name}（{office.affiliation}）"

    # まいさぼ's collaboration worker takes the referral and opens the case from it.
    _login(page, url, "nagano-kyodo")
    page.goto(url(f"/intake/referrals/{referral.pk}/"))
    page.get_by_role("link", name="多機関協働の事例を開始").click()
    expect(page.get_by_text("重層的支援会議で検討します")).to_be_visible()
    page.get_by_label("事例名").fill("長野さん一家（介護・家計・不登校）")
    page.get_by_label("複数の分野にまたがる課題がある").check()
    page.get_by_label("アウトリーチ・参加支援が必要").check()
    page.get_by_label("世帯", exact=True).select_option(label="長野さん世帯")
    shot(page, "01-open-from-referral")
    page.get_by_role("button", name="事例を開始する").click()
    expect(page.get_by_text("プラン作成中").first).to_be_visible()
    case = CollaborationCase.objects.get(title="長野さん一家（介護・家計・不登校）")
    assert case.referral_id == referral.pk and case.route == "plan"

    # Assessment of the household: 花子 (本人) and 正美.
    page.get_by_role("link", name="アセスメントを記録").click()
    hanako = page.locator(f"[data-testid=member-{case.person_id}]")
    hanako.get_by_label("要介護・要支援の認定がある").check()
    hanako.get_by_label("介護者の負担が大きい").check()
    hanako.get_by_label("本人の思い").fill("家族に迷惑をかけずに家で暮らしたい")
    masami = Person.objects.get(family_name="長野", given_name="正美")
    block = page.locator(f"[data-testid=member-{masami.pk}]")
    block.get_by_label("収入が生活費に足りない").check()
    block.get_by_label("育児と介護を同時にしている").check()
    page.get_by_label("世帯全体の課題").fill("介護・家計・孫の不登校が重なり、正美さんに負担が集中している")
    shot(page, "02-assessment")
    page.get_by_role("button", name="新しい版として保存する").click()
    expect(page.get_by_text("世帯全体の課題").first).to_be_visible()

    # Plan v1 with 参加支援 (and the 包括's care coordination).
    _open_case_page(page, url, case)
    page.get_by_role("link", name="支援プランを作成").click()
    page.get_by_label("本人の目標").fill("介護サービスを使い、正美さんが仕事を続けられる")
    page.get_by_label("支援方針").fill("介護・家計・子どもの支援を各機関で分担し、正太さんの居場所を探す")
    first = page.locator("[data-testid=support-0]")
    first.get_by_label("種類").select_option(label="参加支援")
    first.get_by_label("支援の内容（役割）").fill("正太さんの居場所（学習支援）への参加調整")
    second = page.locator("[data-testid=support-1]")
    second.get_by_label("担当機関").select_option(label="地域包括支援センター")
    second.get_by_label("支援の内容（役割）").fill("花子さんの介護サービス調整")
    shot(page, "03-plan-v1")
    page.get_by_role("button", name="プランを作成する").click()
    expect(page.get_by_text("第1版").first).to_be_visible()

    # Without the meeting, the plan cannot move on: the Japanese reason, not an error page.
    _open_case_page(page, url, case)
    expect(page.locator("#next")).to_contain_text("①プラン策定時")

    # 重層的支援会議 ① approves v1.
    _hold_meeting(page, url, kind_label="重層的支援会議", title="第1回 重層的支援会議", members=[office_option],
                  case_label=case.title, timing="①プラン策定時", outcome="プランを承認",
                  minutes="プラン第1版を承認。参加支援の受け入れ先は、まいさぼが調整する。")  # fmt: skip
    shot(page, "04-meeting-1")
    _open_case_page(page, url, case)
    _press(page, "会議の承認を反映する")
    expect(page.get_by_text("支援決定待ち").first).to_be_visible()
    logout(page, url)

    # The city's office sees the plan on its home page and makes the 支援決定 (mixed: reviews the other support).
    _login(page, url, "nagano-shichoson")
    expect(page.get_by_text("支援決定待ちのプラン").first).to_be_visible()
    shot(page, "05-office-home")
    _open_case_page(page, url, case)
    decision = page.locator("#decision")
    decision.get_by_label("決定日").fill(timezone.localdate().isoformat())
    decision.get_by_label("アウトリーチ・参加支援以外の支援も確認した").check()
    decision.get_by_role("button", name="支援決定を記録").click()
    expect(page.get_by_text("プラン確定").first).to_be_visible()
    shot(page, "06-decided")
    logout(page, url)

    # Support starts; a monitoring is recorded.
    _login(page, url, "nagano-kyodo")
    _open_case_page(page, url, case)
    _press(page, "支援を開始する")
    expect(page.get_by_text("支援・モニタリング中").first).to_be_visible()

    # Re-plan v2 (only the agencies' supports): through ② it is confirmed by the meeting and reported.
    page.get_by_role("link", name="再プランを作成").click()
    page.get_by_label("本人の目標").fill("介護と仕事の両立を続け、正太さんが週2回居場所に通う")
    page.get_by_label("支援方針").fill("居場所への定着を確認し、家計の見直しを続ける")
    page.get_by_label("再プランの理由（本人の状況の変化・現プランの評価）").fill(
        "正太さんが居場所に通い始めた"
    )
    # The form starts from v1's supports; this version keeps only the agencies' own supports.
    for row in ("support-0", "support-1"):
        page.locator(f"[data-testid={row}]").get_by_label("種類").select_option(label="その他の支援")
    page.locator("[data-testid=support-0]").get_by_label("支援の内容（役割）").fill(
        "家計の見直し（まいさぼ）"
    )
    page.get_by_role("button", name="プランを作成する").click()
    expect(page.get_by_text("第2版").first).to_be_visible()
    _hold_meeting(page, url, kind_label="重層的支援会議", title="第2回 重層的支援会議", case_label=case.title,
                  timing="②プラン変更時・再プラン策定時", outcome="プランを承認",
                  minutes="再プラン（第2版）を承認。")  # fmt: skip
    _open_case_page(page, url, case)
    _press(page, "会議の承認を反映する")
    expect(page.locator("dl").first).to_contain_text("プラン確定")
    assert MunicipalReport.objects.filter(case=case, plan__number=2).exists()
    _press(page, "支援を開始する")

    # Closure through ③, with the closing evaluation and the follow-up decided.
    _hold_meeting(page, url, kind_label="重層的支援会議", title="第3回 重層的支援会議", case_label=case.title,
                  timing="③支援終結の判断時", outcome="支援の終結を決定",
                  minutes="目標を達成。地域の見守りにつなぎ、終結とする。")  # fmt: skip
    _open_case_page(page, url, case)
    nxt = page.locator("#next")
    nxt.locator("summary", has_text="終結する").click()
    nxt.get_by_label("終結時の評価（目標の達成・支援者の状況）").fill(
        "介護サービスが定着し、正美さんは仕事を続けている"
    )
    nxt.get_by_label("フォローアップの要否と方法").fill("民生委員による見守り。半年後に包括が訪問")
    _press(page, "終結する")
    expect(page.get_by_text("終結").first).to_be_visible()
    shot(page, "07-closed")
    case.refresh_from_db()
    assert case.state == "closed"
    assert list(case.plans.values_list("number", flat=True)) == [1, 2]
    assert case.plans.get(number=1).goals == "介護サービスを使い、正美さんが仕事を続けられる"
    assert page.js_errors == [] and page.console_errors == []


def test_a_case_without_consent_goes_to_a_confidential_meeting_then_to_the_plan_meeting(page, url, shot):
    load_demo()
    worker = User.objects.get(username="nagano-kyodo")
    office = User.objects.get(username="nagano-shichoson")
    record = intake_services.intake_record(
        user=worker,
        new_person={"family_name": "信濃", "given_name": "守", "family_kana": "シナノ", "given_kana": "マモル"},
        consultation={"received_on": timezone.localdate(), "route": "home_visit", "consulter": "minsei",
                      "response": "collaboration", "narrative": "民生委員から：郵便物がたまり、姿を見かけない"},
    )  # fmt: skip
    person = record.person

    # The worker opens the case: without consent it takes the 支援会議 route.
    _login(page, url, "nagano-kyodo")
    page.goto(url(f"/cases/new/?consultation={record.pk}"))
    expect(page.get_by_text("支援会議（社会福祉法第106条の6）で検討します")).to_be_visible()
    page.get_by_label("事例名").fill("信濃さん（安否不明）")
    page.get_by_label("単独の機関では対応が難しい").check()
    page.get_by_role("button", name="事例を開始する").click()
    case = CollaborationCase.objects.get(title="信濃さん（安否不明）")
    assert case.route == "confidential"
    logout(page, url)

    # The city convenes a 支援会議 with the worker as a member and accepts the duty of secrecy.
    _login(page, url, "nagano-shichoson")
    page.goto(url("/meetings/new/"))
    page.get_by_label("支援会議", exact=True).check()
    page.get_by_label("会議名").fill("支援会議（安否確認）")
    page.get_by_label("開催日").fill(timezone.localdate().isoformat())
    page.get_by_label("場所", exact=True).fill("長野市役所 第二庁舎")
    page.get_by_role("button", name="招集する").click()
    page.get_by_label("職員", exact=True).select_option(label=f"{worker.full_name}（まいさぼ長野市）")
    page.get_by_role("button", name="追加", exact=True).click()
    page.get_by_label("上記の守秘義務の内容を確認し、誓約します").check()
    page.get_by_role("button", name="誓約する").click()
    meeting_url = page.url
    logout(page, url)

    # The worker sees nothing of the meeting's material before the pledge.
    _login(page, url, "nagano-kyodo")
    page.goto(meeting_url)
    expect(page.get_by_role("button", name="誓約する")).to_be_visible()
    expect(page.get_by_role("button", name="議題を追加")).to_have_count(0)
    shot(page, "01-pledge-first")
    page.get_by_label("上記の守秘義務の内容を確認し、誓約します").check()
    page.get_by_role("button", name="誓約する").click()
    assert SecrecyPledge.objects.filter(user=worker, meeting__title="支援会議（安否確認）").exists()

    # The worker puts the case on the agenda as a 気になる事案 and the meeting decides the approach.
    page.get_by_label("気になる事案", exact=True).check()
    page.get_by_label("議題", exact=True).fill("信濃さん：安否確認の方法")
    page.get_by_label("事例", exact=True).select_option(label=case.title)
    page.get_by_role("button", name="議題を追加").click()
    page.get_by_role("link", name="議事録・決定事項を記録").first.click()
    page.get_by_label("議事録").fill("民生委員と包括が同行訪問する。本人の同意を得られるよう働きかける。")
    page.get_by_label("決定事項", exact=True).select_option(label="関わり方を決定")
    page.get_by_role("button", name="保存").click()
    shot(page, "02-confidential-item")

    # The item is not on the case page: it stays in the meeting's compartment.
    _open_case_page(page, url, case)
    expect(page.locator("#meetings")).not_to_contain_text("安否確認の方法")

    # Later the person consents; the case moves to the 重層的支援会議 route with one history.
    intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(), method="written",
                                   share_consultation=True, share_household=True)  # fmt: skip
    _open_case_page(page, url, case)
    page.locator("#consent").get_by_role("button", name="を反映する").click()
    expect(page.get_by_text("重層的支援会議（本人同意あり）").first).to_be_visible()

    # With that consent, the worker releases the 支援会議 item into the case (recorded).
    page.goto(meeting_url)
    page.get_by_role("link", name="信濃さん：安否確認の方法").click()
    page.get_by_role("button", name="事例に移す").click()
    _open_case_page(page, url, case)
    expect(page.locator("#meetings")).to_contain_text("支援会議")
    expect(page.locator("#history")).to_contain_text("支援会議から重層的支援会議へ")
    shot(page, "03-moved-to-plan-meeting")
    case.refresh_from_db()
    assert case.route == "plan"
    assert list(case.transitions.values_list("action", flat=True)) == ["open", "consent"]
    assert office.pk  # the office convened; it never saw the case itself
    assert page.js_errors == [] and page.console_errors == []
