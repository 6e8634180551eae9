"""Collaboration cases (多機関協働): the case and its team, assessments, versioned support plans, the
municipality's 支援決定 and reports, contact attempts, and the log of lifecycle transitions.

The case's `state` is written only by `services.case_transition`, which asks `lifecycle.apply`.
"""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .lifecycle import STATE_LABELS, State

STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in State]


class Route(models.TextChoices):
    """Which meeting the case goes to: decided by the person's consent (DOMAIN §4 step 4)."""

    PLAN_MEETING = "plan", "重層的支援会議（本人同意あり）"
    CONFIDENTIAL_MEETING = "confidential", "支援会議（本人同意なし）"


class CollaborationCase(models.Model):
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name="本人"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name="世帯",
    )  # fmt: skip
    consultation = models.ForeignKey(
        "intake.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name="きっかけの相談",
    )  # fmt: skip
    referral = models.ForeignKey(
        "intake.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name="きっかけのつなぐシート",
    )  # fmt: skip
    title = models.CharField("事例名", max_length=100)
    # The reasons for 多機関協働 (DOMAIN §4 step 3); at least one.
    reason_several_fields = models.BooleanField("複数の分野にまたがる課題がある", default=False)
    reason_no_single_agency = models.BooleanField("単独の機関では対応が難しい", default=False)
    reason_roles_unclear = models.BooleanField("機関の役割分担の整理が必要", default=False)
    reason_outreach_participation = models.BooleanField("アウトリーチ・参加支援が必要", default=False)
    summary = models.TextField("概要", max_length=4000, blank=True)
    opened_on = models.DateField("開始日", default=timezone.localdate)
    opened_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name="開始した職員"
    )
    opened_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 主担当: an agency (empty = the municipal office). Changes are kept in LeadAssignment.
    lead_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="lead_cases",
        verbose_name="主担当機関",
    )  # fmt: skip
    route = models.CharField(
        "会議の経路", max_length=20, choices=Route.choices, default=Route.CONFIDENTIAL_MEETING
    )
    consent = models.ForeignKey(
        "intake.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name="記録された本人同意",
    )  # fmt: skip
    meeting_body = models.ForeignKey(
        "meetings.MeetingBody", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name="関連する既存の会議体",
    )  # fmt: skip
    state = models.CharField(
        "状況", max_length=20, choices=STATE_CHOICES, default=State.DRAFT, editable=False
    )
    last_contact_on = models.DateField("最後の接触日", null=True, blank=True, editable=False)
    closing_evaluation = models.TextField("終結時の評価", max_length=4000, blank=True, editable=False)
    follow_up = models.TextField("終結後のフォローアップ", max_length=2000, blank=True, editable=False)
    suspension_reason = models.TextField("中断の理由", max_length=2000, blank=True, editable=False)
    archived = models.BooleanField("アーカイブ", default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "多機関協働の事例"
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["municipality", "state"], name="case_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"K-{self.pk:05d}"

    @property
    def reasons(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in REASON_FIELDS if getattr(self, f)]


REASON_FIELDS = (
    "reason_several_fields", "reason_no_single_agency", "reason_roles_unclear", "reason_outreach_participation",
)  # fmt: skip


class TeamMember(models.Model):
    """One agency (or the municipal office) on the case team, optionally a named staff member, with a role."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.CASCADE, related_name="team")
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="機関",
    )  # fmt: skip
    staff = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="case_roles",
        verbose_name="担当職員",
    )  # fmt: skip
    role = models.CharField("役割", max_length=100)
    joined_on = models.DateField("参加日", default=timezone.localdate)
    left_on = models.DateField("離脱日", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "事例のチーム"
        ordering = ["joined_on", "pk"]

    def __str__(self) -> str:
        return f"{self.agency or '市町村（所管課）'}：{self.role}"


class LeadAssignment(models.Model):
    """主担当 over time: one row per period, so the history of who led the case is kept."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.CASCADE, related_name="lead_history")
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField("開始日")
    ended_on = models.DateField("終了日", null=True, blank=True)
    assigned_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("理由", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主担当の履歴"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Assessment(models.Model):
    """One dated version of the household assessment; a new version never changes an earlier one."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="assessments")
    number = models.PositiveIntegerField("版")
    assessed_on = models.DateField("アセスメント日")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="記入者")
    household_issues = models.TextField("世帯全体の課題", max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "アセスメント"
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="assessment_unique_number")]

    def __str__(self) -> str:
        return f"アセスメント 第{self.number}版"


class AssessmentEntry(models.Model):
    """The assessment of one household member: situation per area (check items + text), strengths, wishes."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField("続柄", max_length=30, blank=True)
    # {area code: {"items": [item code, …], "note": "…"}}; the areas and items are in assessment_items.py
    areas = models.JSONField("分野ごとの状況", default=dict, blank=True)
    strengths = models.TextField("ストレングス（強み）", max_length=2000, blank=True)
    wishes = models.TextField("本人の思い", max_length=2000, blank=True)
    risks = models.TextField("リスク", max_length=2000, blank=True)
    agencies_involved = models.ManyToManyField(
        "directory.Agency", blank=True, related_name="+", verbose_name="関わっている機関"
    )
    agencies_note = models.CharField("その他の関係機関", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "アセスメント（世帯員ごと）"
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class SupportPlan(models.Model):
    """プラン兼利用申込書: one version; editable only while it is the case's draft (then read-only)."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField("版")
    made_on = models.DateField("作成日")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="作成者")
    goals = models.TextField("本人の目標", max_length=4000)
    policy = models.TextField("支援方針", max_length=4000)
    change_reason = models.TextField(
        "再プランの理由（本人の状況の変化・現プランの評価）", max_length=4000, blank=True
    )
    evaluation = models.TextField("評価", max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援プラン"
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_unique_number")]

    def __str__(self) -> str:
        return f"支援プラン 第{self.number}版"

    @property
    def has_outreach(self) -> bool:
        return any(s.kind == SupportKind.OUTREACH for s in self.supports.all())

    @property
    def has_participation(self) -> bool:
        return any(s.kind == SupportKind.PARTICIPATION for s in self.supports.all())

    @property
    def has_other_supports(self) -> bool:
        return any(s.kind == SupportKind.OTHER for s in self.supports.all())


class SupportKind(models.TextChoices):
    OTHER = "other", "その他の支援"
    OUTREACH = "outreach", "アウトリーチ等を通じた継続的支援"
    PARTICIPATION = "participation", "参加支援"


class PlanSupport(models.Model):
    """One support in the plan and who gives it (役割分担)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField("種類", max_length=20, choices=SupportKind.choices, default=SupportKind.OTHER)
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="担当機関",
    )  # fmt: skip
    staff = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当職員",
    )
    content = models.CharField("支援の内容", max_length=500)
    frequency = models.CharField("頻度", max_length=100, blank=True)
    starts_on = models.DateField("開始", null=True, blank=True)
    ends_on = models.DateField("終了", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "プランの支援内容"
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Monitoring(models.Model):
    """A monitoring date of a plan (モニタリング時期) and what it found once done."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="monitorings")
    due_on = models.DateField("予定日")
    done_on = models.DateField("実施日", null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField("モニタリングの内容", max_length=4000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "モニタリング"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Decision(models.Model):
    """The municipality's 支援決定 on a plan version with アウトリーチ / 参加支援 (patterns 1 and 2)."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="decisions")
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField("決定日")
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name="決定者"
    )
    approved = models.BooleanField("支援を決定する", default=True)
    reviewed_other_supports = models.BooleanField("アウトリーチ・参加支援以外の支援も確認した", default=False)
    note = models.TextField("決定の内容・条件", max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "支援決定"
        ordering = ["decided_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan"], name="decision_one_per_plan")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class MunicipalReport(models.Model):
    """Pattern 3: a plan without アウトリーチ / 参加支援 is confirmed by the meeting, then reported (dated)."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="reports")
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField("報告日")
    reported_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("報告の内容", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "市町村への報告"
        ordering = ["reported_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan"], name="report_one_per_plan")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ContactMethod(models.TextChoices):
    VISIT = "visit", "訪問"
    PHONE = "phone", "電話"
    LETTER = "letter", "手紙"
    VIA_OTHERS = "via_others", "関係者経由"
    ACCOMPANIED = "accompanied", "同行訪問"


class ContactOutcome(models.TextChoices):
    ABSENT = "absent", "不在"
    REFUSED = "refused", "拒否"
    TALKED = "talked", "会話できた"
    MET = "met", "面談できた"


class ContactAttempt(models.Model):
    """An effort to reach the person; ④ (suspension) needs enough of them over enough days."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="contact_attempts")
    attempted_on = models.DateField("日付")
    method = models.CharField("方法", max_length=20, choices=ContactMethod.choices)
    outcome = models.CharField("結果", max_length=20, choices=ContactOutcome.choices)
    staff = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    note = models.CharField("内容", max_length=1000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "連絡の試み"
        ordering = ["attempted_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class SupportRecord(models.Model):
    """支援経過記録: what an agency did against its role; the team sees one timeline."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="support_records")
    recorded_on = models.DateField("日付")
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    content = models.TextField("支援の経過", max_length=4000)

    class Meta:
        verbose_name = verbose_name_plural = "支援経過記録"
        ordering = ["recorded_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Transition(models.Model):
    """Every lifecycle step the case took (one history across 支援会議 and 重層的支援会議)."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("前の状況", max_length=20, choices=STATE_CHOICES, blank=True)
    to_state = models.CharField("後の状況", max_length=20, choices=STATE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("メモ", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事例の経過"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
