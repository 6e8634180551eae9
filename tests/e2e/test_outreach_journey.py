"""Outreach end to end in the browser: a neighbour's worry about an unnamed man becomes an engagement; three
visits find nobody; a conversation; he is identified and consents; the municipal office opens a collaboration
case from the engagement and links it, so the case's lifecycle counts the engagement's attempts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kasane.cases.models import CollaborationCase
from kasane.intake import services as intake_services
from kasane.outreach.models import Engagement

from .helpers import logout, submit_login

pytestmark = pytest.mark.e2e


def _login(page: Page, url, username: str) -> None:
    submit_login(page, url, username)
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()


def _attempt(page: Page, on, outcome: str, note: str) -> None:
    page.get_by_role("link", name="連絡の試みを記録").click()
    page.get_by_label("日付", exact=True).fill(on.isoformat())
    page.get_by_label("方法", exact=True).select_option(label="訪問")
    page.get_by_label("結果", exact=True).select_option(label=outcome)
    page.get_by_label("内容", exact=True).fill(note)
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text(note)).to_be_visible()


def test_an_anonymous_engagement_becomes_a_collaboration_case(page, url, shot, users):
    today = timezone.localdate()
    _login(page, url, "outreach")
    page.goto(url("/outreach/new/"))
    page.get_by_label("対象者の様子").fill("60代男性、鷺山のアパート2階")
    page.get_by_label("民生委員", exact=True).check()
    page.get_by_label("情報の内容").fill("郵便物がたまり、姿を見かけない")
    page.get_by_label("地区").fill("鷺山")
    page.get_by_label("把握日").fill((today - timedelta(days=30)).isoformat())
    shot(page, "01-start")
    page.get_by_role("button", name="開始する").click()
    expect(page.get_by_test_id("engagement-stage")).to_have_text("未接触")
    expect(page.get_by_text("本人の同意は記録されていません")).to_be_visible()

    for n, days in enumerate((25, 18, 11), start=1):
        _attempt(page, today - timedelta(days=days), "不在", f"{n}回目の訪問：不在、手紙を投函")
    expect(page.get_by_test_id("attempt-row")).to_have_count(3)
    expect(page.get_by_test_id("engagement-stage")).to_have_text("未接触")
    _attempt(page, today - timedelta(days=4), "会話できた", "玄関越しに短く会話できた")
    expect(page.get_by_test_id("engagement-stage")).to_have_text("接触")
    shot(page, "02-attempts")

    page.get_by_role("link", name="本人を特定").click()
    page.get_by_label("氏", exact=True).fill("鷺山")
    page.get_by_label("名", exact=True).fill("守")
    page.get_by_label("フリガナ（氏）").fill("サギヤマ")
    page.get_by_label("フリガナ（名）").fill("マモル")
    shot(page, "03-identify")
    page.get_by_role("button", name="本人を特定する").click()
    expect(page.get_by_test_id("engagement-person")).to_contain_text("鷺山")
    expect(page.get_by_test_id("consent-state")).to_have_text("未記録")

    engagement = Engagement.objects.get()
    intake_services.consent_record(user=users["outreach"], person=engagement.person, obtained_on=today,
                                   method="oral")  # fmt: skip
    page.get_by_role("link", name="関係の段階を変更").click()
    page.get_by_label("新しい段階").select_option(label="支援受入れ・同意")
    page.get_by_label("メモ").fill("支援を受けることに同意")
    page.get_by_role("button", name="変更する").click()
    expect(page.get_by_test_id("engagement-stage")).to_have_text("支援受入れ・同意")
    expect(page.get_by_test_id("consent-state")).to_have_text("記録あり")
    shot(page, "04-consented")
    logout(page, url)

    # The municipal office opens the collaboration case from the engagement and links it.
    _login(page, url, "municipal")
    page.goto(url(f"/outreach/{engagement.pk}/"))
    page.get_by_role("link", name="多機関協働の事例を開始").click()
    page.get_by_label("アウトリーチ・参加支援が必要").check()
    page.get_by_role("button", name="事例を開始する").click()
    expect(page.get_by_test_id("case-state")).to_be_visible()
    case = CollaborationCase.objects.get()
    page.goto(url(f"/outreach/{engagement.pk}/"))
    page.get_by_label("多機関協働の事例").select_option(value=str(case.pk))
    page.get_by_role("button", name="この事例と結びつける").click()
    expect(page.get_by_test_id("engagement-case")).to_contain_text(case.title)
    shot(page, "05-case-linked")
    assert Engagement.objects.get().case == case
    assert not page.js_errors and not page.console_errors
