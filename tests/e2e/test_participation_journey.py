"""参加支援 end to end in the browser, on the demo's 岐阜市:

1. The 8050 case: the worker records the son's wishes, reads the ranked suggestions and their reasons, chooses
   a host, records the approach, the start and a follow-up visit (定着支援).
2. A gap recorded in a 重層的支援会議 lands in the backlog, goes 開発中, and becomes a new resource (解決).
3. With a tile server configured, the resources appear on the map (tiles served locally: no internet).
"""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from kasane.cases.models import CollaborationCase
from kasane.core.demo import DEMO_PASSWORD, load_demo
from kasane.core.models import Municipality
from kasane.meetings.models import Meeting, ResourceGap
from kasane.participation.models import Match, ParticipationSettings, Resource

from .helpers import submit_login

pytestmark = pytest.mark.e2e
TODAY = timezone.localdate().isoformat()


def _login(page: Page, url, username: str) -> None:
    submit_login(page, url, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()


def test_a_participation_match_with_follow_up(page, url, shot):
    load_demo()
    case = CollaborationCase.objects.get(title="岐阜さん世帯（8050）")
    _login(page, url, "marugoto")
    page.goto(url(f"/participation/cases/{case.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("参加支援")
    page.get_by_label("好きなこと・興味").fill("パソコン、将棋")
    page.get_by_label("できること・得意なこと").fill("パソコン入力")
    page.get_by_role("button", name="希望を保存して候補を表示").click()
    first = page.locator("[data-testid=suggestion]").first
    expect(first).to_contain_text("好きなこと（パソコン")
    expect(page.locator("#suggestions")).to_contain_text("気になる点")
    shot(page, "01-suggestions-with-reasons")

    printing = page.locator("[data-testid=suggestion]").filter(has_text="協力企業 ぎふ印刷（デモ）")
    printing.get_by_role("button", name="この社会資源とマッチングを始める").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("協力企業 ぎふ印刷（デモ）")
    page.locator("#approach").get_by_label("働きかけ日").fill(TODAY)
    page.locator("#approach").get_by_label("働きかけの内容").fill(
        "担当者に本人の希望（短時間・最初は同行）を伝え、職場見学を依頼"
    )
    page.get_by_role("button", name="働きかけを記録").click()
    expect(page.get_by_text("受け入れ先への働きかけを記録しました。")).to_be_visible()
    page.locator("#start").get_by_label("参加開始日").fill(TODAY)
    page.locator("#start").get_by_label("最初の定着支援の予定日").fill(TODAY)
    page.get_by_role("button", name="参加開始を記録").click()
    expect(page.locator("[data-testid=match-status]")).to_have_text("継続中")
    page.get_by_text("実施を記録").click()
    page.locator("#followups").get_by_label("内容").fill("週2回通えている。受け入れ先からも好評。")
    page.locator("#followups").get_by_role("button", name="記録する").click()
    expect(page.locator("[data-testid=followup]")).to_contain_text("週2回通えている")
    shot(page, "02-match-in-follow-up")
    match = Match.objects.get(resource__name="協力企業 ぎふ印刷（デモ）")
    assert match.status == "ongoing" and match.followups.get().done_on is not None


def test_a_gap_from_a_meeting_becomes_a_new_resource(page, url, shot):
    load_demo()
    meeting = Meeting.objects.get(title="第3回 重層的支援会議")
    _login(page, url, "marugoto")
    page.goto(url(f"/meetings/{meeting.pk}/"))
    form = page.locator("form", has_text="社会資源の不足を記録")
    form.get_by_label("不足している社会資源").fill("夕方に通える若者の居場所")
    form.get_by_label("対象（匿名化）").fill("20代男性・不登校経験")
    form.get_by_label("地域").fill("西部")
    form.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("夕方に通える若者の居場所").first).to_be_visible()
    gap = ResourceGap.objects.get(what="夕方に通える若者の居場所")

    page.goto(url("/meetings/gaps/"))
    page.locator(f"#status-{gap.pk}").select_option(label="開発中")
    page.locator(f"#status-{gap.pk}").locator("xpath=..").get_by_role("button", name="変更").click()
    expect(page.get_by_text("「夕方に通える若者の居場所」の状況を「開発中」にしました。")).to_be_visible()
    shot(page, "01-gap-backlog")

    page.goto(url("/participation/"))
    gaps = page.locator("#gaps")
    expect(gaps).to_contain_text("夕方に通える若者の居場所")
    gaps.locator("tr", has_text="夕方に通える若者の居場所").get_by_role("link", name="社会資源を登録").click()
    expect(page.get_by_label("名称")).to_have_value("夕方に通える若者の居場所")
    page.get_by_label("名称").fill("若者の居場所 ゆうがたベース（デモ）")
    page.get_by_label("種類").select_option(label="居場所")
    page.get_by_label("活動内容（キーワード）").fill("ゲーム、音楽、おしゃべり")
    page.get_by_label("夕方・夜").check()
    page.get_by_label("ひきこもり状態の方の受け入れ可").check()
    shot(page, "02-resource-for-gap")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator("[data-testid=resolved-gap]")).to_contain_text("夕方に通える若者の居場所")
    shot(page, "03-new-resource")
    gap.refresh_from_db()
    assert gap.status == "resolved" and gap.resource == Resource.objects.get(
        name="若者の居場所 ゆうがたベース（デモ）"
    )
    page.goto(url("/meetings/gaps/"))
    expect(page.locator(f"#status-{gap.pk}")).to_have_value("resolved")


def test_the_map_shows_resources_from_the_tenants_tile_server(page, url, shot):
    load_demo()
    gifu = Municipality.objects.get(name="岐阜市")
    ParticipationSettings.objects.create(municipality=gifu, tile_url="https://tiles.example.jp/{z}/{x}/{y}.png",
                                         tile_attribution="© 地図（テスト）")  # fmt: skip
    tile = str(settings.BASE_DIR / "static/vendor/leaflet/images/layers.png")
    # No internet: the tile server is answered from a local image.
    page.route(
        "https://tiles.example.jp/**", lambda route: route.fulfill(path=tile, content_type="image/png")
    )
    _login(page, url, "outreach")
    page.goto(url("/participation/"))
    expect(page.locator(".leaflet-marker-icon")).to_have_count(12)
    page.locator(".leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup-content a")).to_be_visible()
    shot(page, "01-map")
    assert not page.js_errors and not page.console_errors, (page.js_errors, page.console_errors)
