"""One consultation end to end: a known person found at intake, referred with consent, answered, and seen
from the receiving agency (narrative withheld, household shows both agencies)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from conftest import make_agency, make_user
from kasane.core.roles import Role
from kasane.intake.models import Consent, Consultation, Referral
from kasane.people.models import Person
from kasane.people.services import household_create, person_create

from .helpers import logout, submit_login

pytestmark = pytest.mark.e2e

NARRATIVE = "介護と家計の相談（A機関のみ閲覧）"


def test_a_known_person_is_found_at_intake_referred_with_consent_and_seen_by_the_receiving_agency(
    page, url, shot, municipality, agency, users
):
    # 1. Setup: a second agency with its counselor, and 髙橋 花子 registered earlier by agency A.
    agency_b = make_agency(municipality, "生活・就労サポートセンター", themes=["収入・生活費"])
    counselor_b = make_user(municipality, "counselor_b", [Role.COUNSELOR], agency=agency_b)
    hanako = person_create(
        user=users["counselor"],
        family_name="髙橋",
        given_name="花子",
        family_kana="タカハシ",
        given_kana="ハナコ",
        birth_date=date(1954, 2, 11),
    )
    household = household_create(user=users["counselor"], head=hanako)
    persons_before = Person.objects.count()

    # 2. Counter A records the consultation, linking it to the known person via the candidate list.
    submit_login(page, url, "counselor")
    expect(page).to_have_url(url("/"))
    nav = page.get_by_role("navigation", name="メインメニュー")
    nav.get_by_role("link", name="相談受付", exact=True).click()
    expect(page).to_have_url(url("/intake/"))
    page.get_by_role("link", name="相談を受け付ける").click()
    expect(page.get_by_role("heading", name="相談受付・申込票", level=1)).to_be_visible()
    expect(page.get_by_label("受付日")).not_to_have_value("")

    page.get_by_label("氏", exact=True).fill("高橋")
    page.get_by_label("フリガナ（氏）").fill("たかはし")
    page.get_by_label("フリガナ（名）").fill("はなこ")
    page.get_by_label("生年月日").fill("昭和29年2月11日")
    candidate = page.get_by_test_id("candidate")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text("髙橋 花子")
    expect(candidate).to_contain_text("タカハシ ハナコ")
    shot(page, "intake-candidates")
    candidate.get_by_role("button", name="この方の相談として記録").click()
    expect(page.locator("#chosen-person")).to_contain_text("髙橋 花子 を選びました")
    expect(page.locator("#id_person_id")).to_have_value(str(hanako.pk))

    page.get_by_role("group", name="相談経路").get_by_label("電話").check()
    page.get_by_role("group", name="相談者", exact=True).get_by_label("家族").check()
    problems = page.get_by_role("group", name="困りごと（複数可）")
    problems.get_by_label("介護", exact=True).check()
    problems.get_by_label("収入・生活費", exact=True).check()
    page.get_by_label("最も困っていること（◎）").select_option(label="介護")
    page.get_by_role("group", name="対応", exact=True).get_by_label("つなぎ", exact=True).check()
    page.get_by_label("相談内容", exact=True).fill(NARRATIVE)
    page.get_by_role("group", name="情報共有への本人同意").get_by_label("同意あり").check()
    page.get_by_label("同意の方法").select_option(label="書面（署名）")
    page.get_by_role("group", name="共有してよい機関").get_by_label("生活・就労サポートセンター").check()
    expect(page.get_by_label("相談内容も共有してよい")).not_to_be_checked()
    shot(page, "intake-filled")
    page.get_by_role("button", name="記録する").click()

    consultation = Consultation.objects.get()
    expect(page).to_have_url(url(f"/intake/{consultation.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("相談：髙橋 花子")
    expect(page.get_by_test_id("narrative")).to_have_text(NARRATIVE)
    assert Person.objects.count() == persons_before  # linked to the known person, no duplicate
    assert consultation.person_id == hanako.pk
    consent = Consent.objects.get(person=hanako)
    assert list(consent.agencies.all()) == [agency_b]
    assert consent.share_consultation is False
    shot(page, "consultation-detail")

    # 3. Refer to agency B on the strength of the consent.
    page.get_by_role("link", name="他機関へつなぐ").click()
    expect(page.get_by_role("heading", name="つなぐシート：髙橋 花子", level=1)).to_be_visible()
    page.get_by_label("つなぎ先", exact=True).select_option(label="生活・就労サポートセンター")
    page.get_by_label("つなぐ理由").fill("家計の立て直しについて、就労・家計改善の支援をお願いします。")
    page.get_by_label("本人同意", exact=True).check()
    shot(page, "referral-form")
    page.get_by_role("button", name="つなぐ", exact=True).click()
    referral = Referral.objects.get()
    expect(page).to_have_url(url(f"/intake/referrals/{referral.pk}/"))
    expect(page.get_by_test_id("referral-status")).to_contain_text("応答待ち")
    shot(page, "referral-sent")

    # 4. Agency B's counselor answers from the inbox.
    logout(page, url)
    submit_login(page, url, counselor_b.username)
    expect(page).to_have_url(url("/"))
    nav.get_by_role("link", name="つなぐシート").click()
    expect(page).to_have_url(url("/intake/referrals/inbox/"))
    row = page.locator("tbody tr", has_text="髙橋 花子")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("地域包括支援センター")
    expect(row).to_contain_text("応答待ち")
    shot(page, "inbox")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(url(f"/intake/referrals/{referral.pk}/"))
    expect(page.get_by_test_id("referral-status")).to_contain_text("応答待ち")
    shot(page, "referral-to-answer")
    page.get_by_label("受理（共同で支援する）").check()
    page.get_by_role("button", name="応答を記録").click()
    expect(page.get_by_test_id("referral-status")).to_contain_text("受理（共同で支援）")
    shot(page, "referral-accepted")

    # 5. B sees the consultation, but not its narrative (the consent does not share it).
    page.goto(url(f"/intake/{consultation.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("相談：髙橋 花子")
    narrative = page.get_by_test_id("narrative")
    expect(narrative).to_contain_text("本人同意の範囲に含まれていません")
    expect(narrative).not_to_contain_text(NARRATIVE)
    expect(page.get_by_text(NARRATIVE)).to_have_count(0)
    shot(page, "consultation-as-b")

    # 6. The consent does not share the household with B: B cannot open it. A sees the whole household,
    #    with both agencies involved with 髙橋 花子, and the ecomap.
    page.goto(url(f"/people/households/{household.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
    page.console_errors.clear()  # the browser logs the expected 404 itself
    logout(page, url)
    submit_login(page, url, users["counselor"].username)
    expect(page).to_have_url(url("/"))
    page.goto(url(f"/people/households/{household.pk}/"))
    member = page.get_by_test_id("member").filter(has_text="髙橋 花子")
    expect(member).to_have_count(1)
    agencies = member.get_by_test_id("agencies")
    expect(agencies).to_contain_text("地域包括支援センター")
    expect(agencies).to_contain_text("生活・就労サポートセンター")
    expect(page.locator("figure.ecomap svg")).to_have_count(1)
    expect(page.locator("figure.ecomap svg")).to_contain_text("花子")
    shot(page, "household")

    assert page.js_errors == []
    assert page.console_errors == []
