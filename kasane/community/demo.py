"""Demo for 地域づくり in 岐阜市 (seed 002 §3): places of the five projects with monthly sessions in this and the
previous 年度, the coordinators the city places at its 社協, 協議体 and a network meeting, and the trainings of
its supporters. Recorded through the services; counts are drawn from a fixed seed so the demo is the same
every time (dates relative to the day it is loaded)."""

import random
from datetime import date, timedelta

from django.utils import timezone

from kasane.core import wareki
from kasane.core.models import Municipality, User

from . import services

# name, project, kind, area, operator, venue, schedule, (week of month, weekday), attendance per age band
ACTIVITIES = [
    ("長良いきいき筋トレ体操の会", "3i", "exercise", "長良地区", "長良地区いきいき筋トレサポーター",
     "長良公民館", "毎月第1・第3火曜 10:00〜11:00", (1, 1), (0, 0, 2, 9, 14)),
    ("本荘ふれあいいきいきサロン", "3kon", "salon", "本荘地区", "岐阜市社会福祉協議会 本荘支部",
     "本荘コミュニティセンター", "毎月第2水曜 13:30〜15:30", (2, 2), (0, 1, 3, 8, 12)),
    ("集いの場 ぷらっと", "3kon", "platform", "CSW配置地域", "岐阜市社会福祉協議会（CSW）",
     "地域の集会所", "毎月第3土曜 10:00〜12:00", (3, 5), (4, 3, 6, 5, 3)),
    ("鷺山 多世代の居場所「ひだまり」", "3ro", "ibasho", "鷺山地区", "鷺山地区 支え合い推進会",
     "鷺山ふれあいセンター", "毎月第4金曜 14:00〜16:00", (4, 4), (6, 2, 4, 6, 7)),
    ("加納 親子のひろば", "3ni", "kosodate", "加納地区", "地域子育て支援拠点センター（加納）",
     "加納児童館 2階", "毎月第2月曜 10:00〜12:00", (2, 0), (14, 11, 1, 0, 0)),
    ("地域活動支援センター 交流サロン", "3ha", "center", "市内全域", "精神障害者地域活動支援センター（委託）",
     "センター交流室", "毎月第1木曜 13:00〜15:00", (1, 3), (0, 5, 7, 2, 0)),
]  # fmt: skip

COORDINATORS = [
    ("稲葉 由美", "lsc1", "市内全域", "岐阜市社会福祉協議会"),
    ("長森 拓也", "lsc2", "長良、鷺山、岩野田", "地域包括支援センター長良（支え合いの仕組みづくり推進員）"),
    ("加藤 さやか", "lsc2", "加納、本荘、日光", "地域包括支援センター加納（支え合いの仕組みづくり推進員）"),
    ("金華 恵", "welfare", "本荘、日光、鷺山", "岐阜市社会福祉協議会"),
    ("外山 誠", "csw", "CSW配置地域", "岐阜市社会福祉協議会（コミュニティソーシャルワーカー ※モデル事業）"),
]


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def load_gifu_community(municipality: Municipality) -> None:
    today = timezone.localdate()
    rng = random.Random(212016)  # noqa: S311 - demo counts, not security
    staff = {u.username: u for u in User.objects.filter(municipality=municipality)}
    office, csw = staff["shichoson"], staff["outreach"]
    start = wareki.fiscal_year_range(wareki.fiscal_year(today) - 1)[0]

    for name, project, kind, area, operator, venue, schedule, (week, weekday), base in ACTIVITIES:
        activity = services.activity_create(user=office, name=name, project=project, kind=kind, area=area,
                                            operator=operator, venue=venue, schedule=schedule)  # fmt: skip
        for year, month in _months(start, today):
            held_on = _nth_weekday(year, month, week, weekday)
            if held_on > today:
                continue
            counts = {field: max(0, n + rng.randint(-2, 3)) if n else 0 for field, n in
                      zip(("age_0_17", "age_18_39", "age_40_64", "age_65_74", "age_75_over"), base, strict=True)}  # fmt: skip
            services.session_record(user=csw, activity=activity, held_on=held_on,
                                    volunteers=rng.randint(2, 6), **counts)  # fmt: skip

    for name, kind, areas, organisation in COORDINATORS:
        services.coordinator_create(user=office, name=name, kind=kind, areas=areas, organisation=organisation)

    for fy in (wareki.fiscal_year(today) - 1, wareki.fiscal_year(today)):
        meetings = [
            ("council1", "第1層協議体（岐阜市生活支援体制整備推進会議）", "3ro", date(fy, 7, 15), "市内全域", 22,
             "通いの場の担い手不足、移動支援の資源開発"),
            ("council2", "日常生活圏域協議体（長良・鷺山）", "3ro", date(fy, 10, 8), "長良・鷺山", 16,
             "ごみ出し支援の仕組み、サロンの新設"),
            ("network", "本荘地区 地域福祉ネットワーク会議", "3kon", date(fy, 11, 20), "本荘地区", 28,
             "民生委員・自治会・見守り協定事業者との情報共有の方法、平日昼の居場所の不足"),
            ("platform", "集いの場 ぷらっと 担い手交流会", "3kon", date(fy + 1, 2, 12), "CSW配置地域", 19,
             "地域の担い手どうしの出会い、子ども食堂との連携"),
        ]  # fmt: skip
        for kind, title, project, held_on, area, participants, topics in meetings:
            if held_on <= today:
                services.network_meeting_create(user=office, kind=kind, title=title, project=project,
                                                held_on=held_on, area=area, participants=participants,
                                                topics=topics)  # fmt: skip
        trainings = [
            ("見守りサポーター養成講座", "3kon", date(fy, 9, 6), "市内全域", "岐阜市社会福祉協議会", 34, 31),
            ("いきいき筋トレサポーター養成講座", "3i", date(fy, 6, 12), "市内全域", "各保健センター", 25, 24),
            ("支え合い活動実践者養成講座", "3ro", date(fy, 11, 9), "加納地区", "高齢福祉課（委託）", 18, 16),
        ]
        for title, project, held_on, area, organiser, trainees, completed in trainings:
            if held_on <= today:
                services.training_create(user=office, title=title, project=project, held_on=held_on, area=area,
                                         organiser=organiser, trainees=trainees, completed=completed)  # fmt: skip
