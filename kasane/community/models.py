"""地域づくり事業 (法第106条の4第2項第3号): places and activities, their sessions with attendance counts by age band,
coordinators, network meetings and trainings. No personal data: attendance is counted, never named."""

from django.db import models
from simple_history.models import HistoricalRecords

MAX_COUNT = 99_999  # far above any real gathering; larger numbers are typing mistakes


class Project(models.TextChoices):
    """The community-building projects of 第3号 (codes shared with directory.LegalItem)."""

    ITEM_3I = "3i", "第3号イ 地域介護予防活動支援"
    ITEM_3RO = "3ro", "第3号ロ 生活支援体制整備"
    ITEM_3HA = "3ha", "第3号ハ 地域活動支援センター"
    ITEM_3NI = "3ni", "第3号ニ 地域子育て支援拠点"
    ITEM_3KON = "3kon", "生活困窮者支援等のための地域づくり"


class ActivityKind(models.TextChoices):
    IBASHO = "ibasho", "居場所"
    KAYOI = "kayoi", "通いの場"
    SALON = "salon", "サロン"
    KOSODATE = "kosodate", "子育て支援拠点・親子のひろば"
    CENTER = "center", "地域活動支援センター"
    EXERCISE = "exercise", "体操・介護予防教室"
    PLATFORM = "platform", "交流・学びの場（プラットフォーム）"
    OTHER = "other", "その他"


# Attendance is counted by age band (DOMAIN §3: no names needed). Field name → label.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("age_0_17", "0〜17歳"),
    ("age_18_39", "18〜39歳"),
    ("age_40_64", "40〜64歳"),
    ("age_65_74", "65〜74歳"),
    ("age_75_over", "75歳以上"),
)
AGE_BAND_FIELDS = tuple(field for field, _label in AGE_BANDS)


class Activity(models.Model):
    """A place or activity run under one of the projects (e.g. a サロン of a 社協支部, a 子育て支援拠点)."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=150)
    project = models.CharField("事業", max_length=5, choices=Project.choices)
    kind = models.CharField("種類", max_length=20, choices=ActivityKind.choices, default=ActivityKind.SALON)
    area = models.CharField(
        "地区・圏域", max_length=100, blank=True, help_text="例：本荘地区、日常生活圏域（西部）"
    )
    operator = models.CharField("運営主体", max_length=150, blank=True, help_text="例：社協 本荘支部、自治会")
    venue = models.CharField("会場", max_length=200, blank=True)
    schedule = models.CharField(
        "開催日時", max_length=200, blank=True, help_text="例：毎月第2水曜 10:00〜12:00"
    )
    description = models.TextField("内容", max_length=2000, blank=True)
    is_active = models.BooleanField("活動中", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "地域づくりの場・活動"
        ordering = ["project", "area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="community_activity_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One gathering of an activity: the date and how many came, by age band."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("開催日", db_index=True)
    age_0_17 = models.PositiveIntegerField("0〜17歳", default=0)
    age_18_39 = models.PositiveIntegerField("18〜39歳", default=0)
    age_40_64 = models.PositiveIntegerField("40〜64歳", default=0)
    age_65_74 = models.PositiveIntegerField("65〜74歳", default=0)
    age_75_over = models.PositiveIntegerField("75歳以上", default=0)
    volunteers = models.PositiveIntegerField("ボランティア・担い手", default=0)
    note = models.TextField("記録", max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "開催記録"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{f}__lte": MAX_COUNT for f in (*AGE_BAND_FIELDS, "volunteers")}),
                name="community_session_counts_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.held_on}"

    @property
    def participants(self) -> int:
        return sum(getattr(self, f) for f in AGE_BAND_FIELDS)


class Coordinator(models.Model):
    """A coordinator of community building (staff information, not a client's)."""

    class Kind(models.TextChoices):
        LIFE_SUPPORT_1 = "lsc1", "生活支援コーディネーター（第1層）"
        LIFE_SUPPORT_2 = "lsc2", "生活支援コーディネーター（第2層）"
        WELFARE = "welfare", "地域福祉コーディネーター"
        CSW = "csw", "コミュニティソーシャルワーカー（CSW）"

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("氏名", max_length=100)
    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    areas = models.CharField("担当地区", max_length=300, blank=True, help_text="複数は「、」で区切る")
    organisation = models.CharField("所属", max_length=150, blank=True, help_text="例：岐阜市社会福祉協議会")
    phone = models.CharField("連絡先", max_length=30, blank=True)
    is_active = models.BooleanField("在任中", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "コーディネーター"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def area_list(self) -> list[str]:
        return [a.strip() for a in self.areas.replace(",", "、").split("、") if a.strip()]


class NetworkMeeting(models.Model):
    """A meeting of the local network (地域福祉ネットワーク会議, 協議体 …): counts and topics, no case content."""

    class Kind(models.TextChoices):
        NETWORK = "network", "地域福祉ネットワーク会議"
        COUNCIL_1 = "council1", "協議体（第1層）"
        COUNCIL_2 = "council2", "協議体（第2層・日常生活圏域協議体）"
        PLATFORM = "platform", "プラットフォーム（集いの場 等）"
        OTHER = "other", "その他の会議"

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    title = models.CharField("名称", max_length=150)
    project = models.CharField("事業", max_length=5, choices=Project.choices, blank=True)
    held_on = models.DateField("開催日", db_index=True)
    area = models.CharField("地区・圏域", max_length=100, blank=True)
    participants = models.PositiveIntegerField("参加者数", default=0)
    topics = models.TextField("議題・内容", max_length=4000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "ネットワーク会議・協議体"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__lte=MAX_COUNT), name="community_meeting_participants_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"


class Training(models.Model):
    """A training of community helpers (e.g. 見守りサポーター養成講座): trainees and how many completed."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("講座名", max_length=150)
    project = models.CharField("事業", max_length=5, choices=Project.choices, blank=True)
    held_on = models.DateField("開催日", db_index=True, help_text="複数日の講座は初日")
    area = models.CharField("地区・圏域", max_length=100, blank=True)
    organiser = models.CharField("主催", max_length=150, blank=True)
    trainees = models.PositiveIntegerField("受講者数", default=0)
    completed = models.PositiveIntegerField("修了者数", default=0)
    note = models.TextField("内容", max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "養成講座・研修"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trainees__lte=MAX_COUNT, completed__lte=models.F("trainees")),
                name="community_training_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"
