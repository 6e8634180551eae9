"""参加支援 (第2号): the community-resource registry (社会資源) with its per-tenant kinds, a person's needs and
wishes in a case, matches to resources with the approach to the host, follow-up visits (定着支援) and outcome,
and the tenant's map setting.

Resources hold no personal data (a public list prints and exports); needs, matches and follow-ups do, and are
seen with their case (kasane.core.policy). A match's status is written only by services.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kasane.core.text import normalize_for_search

# The kinds every municipality starts with (issue 5); each tenant adds, renames or retires its own.
DEFAULT_KINDS = (
    "居場所", "通いの場", "サロン", "子ども食堂", "就労体験・中間的就労", "認定就労訓練事業所", "協力企業",
    "ボランティア活動", "地域活動支援センター", "子育て支援拠点", "学習支援", "フードバンク", "その他",
)  # fmt: skip
# Kinds whose matches count as "cooperating businesses" (協力企業・団体) in the statistics.
WORK_KINDS = ("就労体験・中間的就労", "認定就労訓練事業所", "協力企業")

LAT_RANGE = (20, 46)  # Japan, 沖ノ鳥島 to 宗谷岬 with a margin
LON_RANGE = (122, 154)  # 与那国島 to 南鳥島


class Field(models.TextChoices):
    """The fields (分野) a resource welcomes or a person's situation touches."""

    ANYONE = "anyone", "どなたでも"
    ELDERLY = "elderly", "高齢"
    DISABILITY = "disability", "障害"
    CHILDREN = "children", "子ども・子育て"
    POVERTY = "poverty", "生活困窮"
    YOUTH = "youth", "若者・ひきこもり"


class Slot(models.TextChoices):
    MORNING = "morning", "午前"
    AFTERNOON = "afternoon", "午後"
    EVENING = "evening", "夕方・夜"
    WEEKEND = "weekend", "土日"


class ResourceKind(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="resource_kinds"
    )
    name = models.CharField("種類", max_length=50)
    order = models.PositiveSmallIntegerField("並び順", default=0)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "社会資源の種類"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="resource_kind_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One community resource (社会資源): a place, an activity or a host. No personal data."""

    class Status(models.TextChoices):
        ACTIVE = "active", "受け入れ中"
        PAUSED = "paused", "休止中"
        CLOSED = "closed", "終了"

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="resources")
    name = models.CharField("名称", max_length=100)
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="resources",
                             verbose_name="種類")  # fmt: skip
    operator = models.CharField("運営主体", max_length=100, blank=True)
    activities = models.CharField(
        "活動内容（キーワード）", max_length=300, blank=True, help_text="例：農作業、調理、軽作業、おしゃべり"
    )
    description = models.TextField("説明", max_length=2000, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    area = models.CharField("地域（圏域・地区）", max_length=50, blank=True)
    lat = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
    days = models.CharField("開催日", max_length=100, blank=True, help_text="例：毎週水曜日、第2土曜日")
    hours = models.CharField("時間", max_length=100, blank=True, help_text="例：10:00〜15:00")
    slots = models.CharField("時間帯", max_length=60, blank=True)  # Slot codes, comma-separated
    age_min = models.PositiveSmallIntegerField("対象年齢（下限）", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("対象年齢（上限）", null=True, blank=True)
    fields = models.CharField("対象分野", max_length=100, blank=True)  # Field codes, comma-separated
    welcomes_hikikomori = models.BooleanField("ひきこもり状態の方の受け入れ可", default=False)
    welcomes_disability = models.BooleanField("障害のある方の受け入れ可", default=False)
    allows_anonymous = models.BooleanField("匿名での参加可", default=False)
    allows_companion = models.BooleanField("支援者の同行可", default=False)
    small_group = models.BooleanField("少人数・個別の対応可", default=False)
    capacity = models.PositiveIntegerField("定員", null=True, blank=True)
    open_places = models.PositiveIntegerField("空き", null=True, blank=True)
    cost = models.CharField("費用", max_length=100, blank=True, help_text="例：無料、1回100円")
    contact = models.CharField("連絡先", max_length=200, blank=True)
    accessibility = models.CharField("バリアフリー・アクセス", max_length=300, blank=True)
    status = models.CharField("状況", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = verbose_name_plural = "社会資源"
        ordering = ["area", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=LAT_RANGE[0], lat__lte=LAT_RANGE[1]),
                name="resource_lat_in_japan",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | Q(lon__gte=LON_RANGE[0], lon__lte=LON_RANGE[1]),
                name="resource_lon_in_japan",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="resource_age_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True)
                | Q(open_places__isnull=True)
                | Q(open_places__lte=models.F("capacity")),
                name="resource_open_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def slot_list(self) -> list[str]:
        return [s for s in self.slots.split(",") if s]

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]

    @property
    def slot_labels(self) -> str:
        return "・".join(Slot(s).label for s in self.slot_list if s in Slot.values)

    @property
    def field_labels(self) -> str:
        return "・".join(Field(f).label for f in self.field_list if f in Field.values)

    @property
    def age_label(self) -> str:
        if self.age_min is None and self.age_max is None:
            return "年齢を問わない"
        return f"{self.age_min if self.age_min is not None else ''}〜{self.age_max if self.age_max is not None else ''}歳"

    @property
    def welcomes_labels(self) -> list[str]:
        flags = (
            "welcomes_hikikomori",
            "welcomes_disability",
            "allows_anonymous",
            "allows_companion",
            "small_group",
        )
        return [str(self._meta.get_field(f).verbose_name) for f in flags if getattr(self, f)]

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def refresh_search_text(self) -> None:
        parts = [self.name, self.kind.name if self.kind_id else "", self.operator, self.activities, self.description,
                 self.address, self.area, self.days, self.accessibility]  # fmt: skip
        self.search_text = normalize_for_search(" ".join(parts))


class Needs(models.Model):
    """本人の希望とできること: what the person likes, can do, when, where, and what worries them (one per case)."""

    case = models.OneToOneField(
        "cases.CollaborationCase", on_delete=models.PROTECT, related_name="participation_needs"
    )
    likes = models.CharField(
        "好きなこと・興味", max_length=300, blank=True, help_text="例：料理、植物、ゲーム"
    )
    can_do = models.CharField(
        "できること・得意なこと", max_length=300, blank=True, help_text="例：軽作業、パソコン"
    )
    slots = models.CharField("参加しやすい時間帯", max_length=60, blank=True)
    area = models.CharField("希望する地域", max_length=50, blank=True)
    fields = models.CharField("本人の状況（分野）", max_length=100, blank=True)
    worries_groups = models.BooleanField("集団・大人数が不安", default=False)
    wants_anonymity = models.BooleanField("名前を出さずに参加したい", default=False)
    wants_company = models.BooleanField("最初は支援者の同行を希望", default=False)
    hikikomori = models.BooleanField("ひきこもりの状態にある", default=False)
    disability = models.BooleanField("障害がある", default=False)
    note = models.TextField("その他の希望・配慮", max_length=2000, blank=True)
    updated_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "参加支援の希望"

    def __str__(self) -> str:
        return f"参加支援の希望（事例 {self.case_id}）"

    @property
    def slot_list(self) -> list[str]:
        return [s for s in self.slots.split(",") if s]

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]


class Match(models.Model):
    """本人と社会資源とのマッチング: the approach to the host, the start, follow-up and the outcome."""

    class Status(models.TextChoices):
        ARRANGING = "arranging", "調整中"
        ONGOING = "ongoing", "継続中"
        EMPLOYED = "employed", "終了：就労"
        MOVED = "moved", "終了：他へ移行"
        INTERRUPTED = "interrupted", "中断"

    ENDED = (Status.EMPLOYED, Status.MOVED, Status.INTERRUPTED)

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.CollaborationCase", on_delete=models.PROTECT, related_name="participation_matches"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="matches", verbose_name="社会資源"
    )
    reasons = models.TextField("選んだ理由", max_length=2000, blank=True)
    status = models.CharField(
        "状況", max_length=20, choices=Status.choices, default=Status.ARRANGING, editable=False
    )
    approached_on = models.DateField("受け入れ先への働きかけ日", null=True, blank=True, editable=False)
    approach_note = models.TextField("働きかけの内容", max_length=2000, blank=True, editable=False)
    started_on = models.DateField("参加開始日", null=True, blank=True, editable=False)
    ended_on = models.DateField("終了日", null=True, blank=True, editable=False)
    outcome_note = models.TextField("結果の内容", max_length=2000, blank=True, editable=False)
    worker = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="担当")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "参加支援のマッチング"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.resource}（{self.get_status_display()}）"

    @property
    def is_ended(self) -> bool:
        return self.status in self.ENDED


class FollowUp(models.Model):
    """定着支援: a follow-up visit planned for a date and, once done, what was found."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="followups")
    scheduled_on = models.DateField("予定日")
    done_on = models.DateField("実施日", null=True, blank=True)
    note = models.TextField("内容", max_length=2000, blank=True)
    staff = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "定着支援"
        ordering = ["scheduled_on", "pk"]

    def __str__(self) -> str:
        return f"定着支援 {self.scheduled_on}"


class ParticipationSettings(models.Model):
    """The tenant's map: an OpenStreetMap-compatible tile server (empty = the list grouped by area)."""

    municipality = models.OneToOneField(
        "core.Municipality", on_delete=models.CASCADE, related_name="participation_settings"
    )
    tile_url = models.CharField(
        "地図タイルのURL", max_length=300, blank=True,
        help_text="例：https://tile.example.jp/{z}/{x}/{y}.png（空欄なら地域ごとの一覧で表示）",
    )  # fmt: skip
    tile_attribution = models.CharField("地図の出典表示", max_length=200, blank=True)
    center_lat = models.DecimalField("地図の中心（緯度）", max_digits=9, decimal_places=6, default=35.423)
    center_lon = models.DecimalField("地図の中心（経度）", max_digits=9, decimal_places=6, default=136.761)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "参加支援の設定"

    def __str__(self) -> str:
        return "参加支援の設定"
