"""Demo community resources for 岐阜市 (kinds from seed 002's 参加支援・地域づくり sections; names and places are
made up and marked デモ), the 8050 case's wishes, and one match in follow-up."""

from datetime import timedelta

from django.utils import timezone

from kasane.cases.models import CollaborationCase
from kasane.core.models import Municipality, User

from . import selectors, services

# (name, kind, operator, activities, area, lat, lon, days, hours, slots, flags, capacity, open, cost)
RESOURCES = [
    ("集いの場 ぷらっと（デモ）", "居場所", "市社協 コミュニティソーシャルワーカー", "おしゃべり、お茶、将棋、パソコン",
     "中心市街地", 35.4232, 136.7606, "毎週水曜日", "13:30〜16:00", "afternoon",
     {"welcomes_hikikomori", "allows_anonymous", "allows_companion", "small_group"}, 15, 6, "無料"),
    ("長良いきいき筋トレ体操の会（デモ）", "通いの場", "長良地区 筋トレサポーター", "体操、健康づくり、おしゃべり",
     "北部", 35.4401, 136.7712, "毎週火曜日", "10:00〜11:30", "morning", {"allows_companion"}, 30, 8, "無料"),
    ("ふれあいいきいきサロン 鷺山（デモ）", "サロン", "社協鷺山支部", "茶話会、手芸、季節の行事",
     "北部", 35.4468, 136.7555, "第2・第4木曜日", "13:30〜15:30", "afternoon", {"allows_companion"}, 25, 10, "1回100円"),
    ("こども食堂 みんなのテーブル（デモ）", "子ども食堂", "NPO法人 ぎふの食卓（デモ）", "調理、配膳、子どもと遊ぶ、学習の見守り",
     "南部", 35.3921, 136.7468, "毎月第1・第3金曜日", "17:00〜19:30", "evening", {"allows_companion"}, 40, 12,
     "子ども無料・大人300円"),
    ("リサイクル工房 ひかり（デモ）", "就労体験・中間的就労", "社会福祉法人 ひかり会（デモ）", "軽作業、仕分け、清掃、パソコン入力",
     "西部", 35.4105, 136.7301, "平日", "9:30〜15:00（短時間から可）", "morning,afternoon",
     {"welcomes_hikikomori", "welcomes_disability", "allows_companion", "small_group"}, 6, 2, "無料（作業工賃あり）"),
    ("認定就労訓練事業所 みどり農園（デモ）", "認定就労訓練事業所", "農業法人 みどり農園（デモ）", "農作業、収穫、袋詰め",
     "東部", 35.4312, 136.8105, "月・水・金", "9:00〜12:00", "morning",
     {"welcomes_hikikomori", "allows_companion", "small_group"}, 4, 1, "無料（訓練手当あり）"),
    ("協力企業 ぎふ印刷（デモ）", "協力企業", "株式会社 ぎふ印刷（デモ）", "職場見学、製本、パソコン入力",
     "中心市街地", 35.4185, 136.7589, "平日（要相談）", "10:00〜15:00", "morning,afternoon", {"allows_companion"},
     2, 1, "無料"),
    ("地域活動支援センター こころ（デモ）", "地域活動支援センター", "委託法人（デモ）", "創作活動、料理、スポーツ、ピアサポート",
     "東部", 35.4255, 136.7921, "月〜金", "10:00〜16:00", "morning,afternoon",
     {"welcomes_disability", "welcomes_hikikomori", "allows_companion", "small_group"}, 20, 5, "無料（実費あり）"),
    ("地域子育て支援拠点 ひよこルーム（デモ）", "子育て支援拠点", "岐阜市 子ども保育課（デモ）", "親子の遊び場、子育て相談",
     "南部", 35.3988, 136.7532, "月〜土", "9:30〜16:00", "morning,afternoon,weekend", {"allows_anonymous"}, None, None,
     "無料"),
    ("学習支援教室 まなびば（デモ）", "学習支援", "NPO法人 まなびば（デモ）", "中高生の学習、進路相談、ボランティアの学生",
     "中心市街地", 35.4161, 136.7663, "毎週土曜日", "14:00〜17:00", "weekend", {"small_group"}, 15, 4, "無料"),
    ("フードバンクぎふ 仕分けボランティア（デモ）", "フードバンク", "フードバンクぎふ（デモ）", "食品の仕分け、袋詰め、配送補助",
     "西部", 35.4052, 136.7255, "毎週木曜日", "13:00〜16:00", "afternoon", {"allows_companion", "allows_anonymous"},
     10, 0, "無料"),
    ("公園清掃ボランティア 金華（デモ）", "ボランティア活動", "金華地区 自治会連合会（デモ）", "清掃、草取り、花壇の手入れ",
     "中心市街地", 35.4301, 136.7801, "毎月第1日曜日", "8:00〜9:30", "morning,weekend", {"allows_companion"}, None,
     None, "無料"),
]  # fmt: skip


def load_gifu_resources(municipality: Municipality) -> None:
    staff = {u.username: u for u in User.objects.filter(municipality=municipality)}
    csw, worker = staff["outreach"], staff["marugoto"]
    kinds = {k.name: k for k in selectors.kinds(user=csw)}
    made = {}
    for (
        name,
        kind,
        operator,
        activities,
        area,
        lat,
        lon,
        days,
        hours,
        slots,
        flags,
        capacity,
        open_,
        cost,
    ) in RESOURCES:
        made[name] = services.resource_create(
            user=csw, name=name, kind=kinds[kind], operator=operator, activities=activities, area=area, lat=lat,
            lon=lon, days=days, hours=hours, slots=slots, capacity=capacity, open_places=open_, cost=cost,
            contact="市 福祉政策課（デモ） 058-000-0000", status="active", **dict.fromkeys(flags, True),
        )  # fmt: skip
    paused = made["ふれあいいきいきサロン 鷺山（デモ）"]
    services.resource_update(user=csw, resource=paused, version=paused.version, status="paused")

    # The 8050 case (cases.demo): the son likes computers and quiet places; one match in follow-up.
    case = CollaborationCase.objects.filter(municipality=municipality, title="岐阜さん世帯（8050）").first()
    if case is None:
        return
    today = timezone.localdate()
    services.needs_save(user=worker, case=case, likes="パソコン、将棋", can_do="パソコン入力、軽作業", slots=["afternoon"],
                        area="中心市街地", fields=["youth"], worries_groups=True, wants_company=True, hikikomori=True,
                        note="人の少ない時間帯から。最初は支援員が同行する。")  # fmt: skip
    match = services.match_create(user=worker, case=case, resource=made["集いの場 ぷらっと（デモ）"],
                                  reasons="パソコン・将棋が活動内容に合う／少人数・同行可")  # fmt: skip
    match = services.match_approach(user=worker, match=match, version=match.version, approached_on=today - timedelta(days=12),
                                    note="CSWに本人の希望（人の少ない時間帯、最初は同行）を伝え、見学日を調整。")  # fmt: skip
    match = services.match_start(user=worker, match=match, version=match.version, started_on=today - timedelta(days=7),
                                 followup_on=today + timedelta(days=7))  # fmt: skip
