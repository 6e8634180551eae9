"""The two meetings (DOMAIN §5): 重層的支援会議 (consent-based; decides plans at timings ①–④) and 支援会議
(法第106条の6; no consent needed, every member under a duty of secrecy, its material kept in the meeting's
compartment). Also the registry of existing meeting bodies (既存の会議体) and the resource gaps meetings find.
"""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    PLAN = "plan", "重層的支援会議"
    CONFIDENTIAL = "confidential", "支援会議"


class MeetingBody(models.Model):
    """既存の会議体 (e.g. 地域ケア会議の個別ケア会議), each with its own consent rule."""

    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.CASCADE, related_name="meeting_bodies"
    )
    name = models.CharField("会議体の名称", max_length=100)
    field = models.CharField("分野", max_length=50, blank=True)
    consent_required = models.BooleanField("本人同意が必要", default=True)
    legal_basis = models.CharField("根拠", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "既存の会議体"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="meetingbody_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


# The six bodies of DOMAIN §5 (seeds 003 and 000), created for every municipality.
DEFAULT_BODIES = [
    ("地域ケア会議の個別ケア会議", "高齢", False, "介護保険法第115条の48"),
    ("サービス担当者会議", "高齢・障害", True, ""),
    ("個別支援会議", "障害", True, ""),
    ("要保護児童対策地域協議会の個別ケース検討会", "子ども", False, "児童福祉法第25条の2"),
    ("支援調整会議", "生活困窮", True, ""),
    ("生活困窮者自立支援法第9条の支援会議", "生活困窮", False, "生活困窮者自立支援法第9条"),
]


class Meeting(models.Model):
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("会議の種類", max_length=20, choices=Kind.choices)
    title = models.CharField("会議名", max_length=100)
    held_on = models.DateField("開催日")
    starts_at = models.TimeField("開始時刻", null=True, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    online = models.BooleanField("オンライン開催", default=False)
    convener = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name="招集者"
    )
    convener_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the tenant's settings when the meeting is created, so a later change of settings does
    # not rewrite what a held meeting was based on.
    legal_basis = models.CharField("根拠", max_length=200)
    consent_required = models.BooleanField("本人同意が必要", default=True)
    person_attends = models.BooleanField("本人が出席する", default=False)
    body = models.ForeignKey(
        MeetingBody, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings",
        verbose_name="既存の会議体として開催",
    )  # fmt: skip
    pledge_text = models.TextField("守秘義務の誓約文", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["municipality", "held_on"], name="meeting_held_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.held_on}）{self.title}"

    @property
    def is_confidential(self) -> bool:
        return self.kind == Kind.CONFIDENTIAL


class Participant(models.Model):
    """A member: a staff user, or an outside attendee by name and organisation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_seats",
        verbose_name="職員",
    )  # fmt: skip
    name = models.CharField("氏名（外部の出席者）", max_length=100, blank=True)
    organisation = models.CharField("所属", max_length=100, blank=True)
    attended = models.BooleanField("出席", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "会議の構成員"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_unique_user",
            )
        ]

    def __str__(self) -> str:
        return self.user.full_name if self.user_id else self.name


DEFAULT_PLEDGE = (
    "私は、この支援会議の構成員として、会議において知り得た秘密（個人情報に限らない）を、"
    "正当な理由なく漏らしません。この守秘義務は社会福祉法第106条の6に定められたもので、違反すると"
    "罰則の対象となることを理解しました。会議の資料・記録を会議の外に持ち出しません。"
)


class SecrecyPledge(models.Model):
    """A member's acceptance of the duty of secrecy for one 支援会議 (who, when, the text accepted)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="pledges")
    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)
    text = models.TextField("誓約した文")

    class Meta:
        verbose_name = verbose_name_plural = "守秘義務の誓約"
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="pledge_unique")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ItemKind(models.TextChoices):
    CASE = "case", "事例（タイミング①〜④）"
    CONCERN = "concern", "気になる事案"
    EMERGENCY = "emergency", "緊急"


class Timing(models.IntegerChoices):
    PLAN = 1, "①プラン策定時"
    REPLAN = 2, "②プラン変更時・再プラン策定時"
    CLOSURE = 3, "③支援終結の判断時"
    SUSPENSION = 4, "④支援中断の決定時"


class EmergencyReason(models.TextChoices):
    WEAKNESS = "weakness", "衰弱"
    ILLNESS = "illness", "重篤な疾患"
    ABUSE = "abuse", "虐待・DVの疑い"


class Outcome(models.TextChoices):
    """What the meeting decided on this item."""

    NONE = "", "（記録のみ）"
    APPROVE_PLAN = "approve_plan", "プランを承認"
    ROLES = "roles", "役割分担を決定"
    CLOSURE = "closure", "支援の終結を決定"
    SUSPENSION = "suspension", "支援の中断を決定"
    APPROACH = "approach", "関わり方を決定"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField("議題の種類", max_length=20, choices=ItemKind.choices)
    case = models.ForeignKey(
        "cases.CollaborationCase", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
        verbose_name="事例",
    )  # fmt: skip
    timing = models.PositiveSmallIntegerField("タイミング", choices=Timing.choices, null=True, blank=True)
    plan = models.ForeignKey(
        "cases.SupportPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
        verbose_name="対象のプラン",
    )  # fmt: skip
    title = models.CharField("議題", max_length=200)
    emergency_reason = models.CharField(
        "緊急の理由", max_length=20, choices=EmergencyReason.choices, blank=True
    )
    minutes = models.TextField("議事録", max_length=10000, blank=True)
    outcome = models.CharField("決定事項", max_length=20, choices=Outcome.choices, blank=True)
    decision_note = models.TextField("決定の内容（役割分担・関わり方など）", max_length=4000, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "議題"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_emergency(self) -> bool:
        return self.kind == ItemKind.EMERGENCY or bool(self.emergency_reason)

    @property
    def approved(self) -> bool:
        return self.outcome in (Outcome.APPROVE_PLAN, Outcome.CLOSURE, Outcome.SUSPENSION)


class Attachment(models.Model):
    """A file on an agenda item, stored in the database (never in a public media folder)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("ファイル名", max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    # 地方税法第22条: information from tax records cannot go to a 支援会議 without the person's consent.
    tax_sourced = models.BooleanField("税務情報を含む（地方税法第22条）", default=False)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "添付資料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Release(models.Model):
    """A 支援会議 item released into the case after the person consented (recorded, never silent)."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="release")
    consent = models.ForeignKey("intake.Consent", on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)
    note = models.CharField("メモ", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "支援会議の記録の事例への移行"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ResourceGap(models.Model):
    """社会資源の不足 found in a meeting: what is missing, for whom (anonymised) and where."""

    class Status(models.TextChoices):
        CONSIDERING = "considering", "検討中"
        DEVELOPING = "developing", "開発中"
        RESOLVED = "resolved", "解決"

    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="resource_gaps"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="gaps")
    what = models.CharField("不足している社会資源", max_length=200)
    for_whom = models.CharField("対象（匿名化：例 40代男性・ひきこもり）", max_length=200)
    area = models.CharField("地域", max_length=100, blank=True)
    status = models.CharField("状況", max_length=20, choices=Status.choices, default=Status.CONSIDERING)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField("記録日", default=timezone.localdate)
    note = models.TextField("検討の内容", max_length=2000, blank=True)
    resource = models.ForeignKey(
        "participation.Resource", on_delete=models.SET_NULL, null=True, blank=True, related_name="gaps",
        verbose_name="新たにできた社会資源",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "社会資源の不足"
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return self.what
