"""The statistics an outcome target (成果目標) can be measured by: keys that `statistics.py` computes per 年度.

The statistics module (owned with the yearly statistics) must provide a value for every key listed here;
a target without a key is measured by an actual that staff enter.
"""

STAT_KEYS: list[tuple[str, str]] = [
    ("new_consultations", "新規相談件数（実数）"),
    ("consultations_total", "相談件数（のべ）"),
    ("participation_persons", "活動参加の場への利用につながった人数"),
    ("cooperating_businesses", "就労準備体験等への協力企業・団体数"),
    ("outreach_persons", "アウトリーチ等の対象者数"),
    ("case_reviews", "多機関協働による事例検討件数"),
    ("collaboration_cases", "関係機関との支援連携・協働ケース数"),
    ("plans_made", "プラン作成件数"),
    ("integrated_meetings", "重層的支援会議の開催回数"),
    ("confidential_meetings", "支援会議の開催回数"),
    ("community_sessions", "地域づくりの活動回数"),
]

STAT_KEY_LABELS: dict[str, str] = dict(STAT_KEYS)
