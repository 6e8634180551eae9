"""Outreach (アウトリーチ等を通じた継続的支援, 第4号): engagements with people who do not ask for help, their
contact attempts and the relationship stage over time.

An engagement may start before the person is identified and before any consent (「60代男性、鷺山のアパート、
近隣住民から情報」); it links to the person once identified and to the collaboration case once one is opened.
Its stage changes only through `services.engagement_stage_change`, which keeps every step in StageChange.
"""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kasane.cases.models import ContactMethod, ContactOutcome


class Source(models.TextChoices):
    """Where the information came from (地域からの情報)."""

    WELFARE_COMMISSIONER = "commissioner", "民生委員"
    NEIGHBOURHOOD_ASSOCIATION = "association", "自治会"
    WATCH_AGREEMENT = "watch_agreement", "見守り協定事業者"
    AGENCY = "agency", "関係機関"
    RESIDENT = "resident", "地域住民"


class Stage(models.TextChoices):
    NOT_CONTACTED = "not_contacted", "未接触"
    CONTACTED = "contacted", "接触"
    RELATIONSHIP = "relationship", "関係形成"
    ACCEPTED = "accepted", "支援受入れ・同意"


STAGE_ORDER = list(Stage.values)


class Status(models.TextChoices):
    ACTIVE = "active", "継続中"
    CLOSED = "closed", "終了"


class Engagement(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="engagements"
    )
    description = models.CharField(
        "対象者の様子", max_length=200, help_text="例：60代男性、鷺山のアパート、郵便物がたまっている"
    )
    source = models.CharField("情報源", max_length=20, choices=Source.choices)
    source_note = models.CharField("情報の内容", max_length=1000, blank=True)
    area = models.CharField("地区", max_length=100, blank=True)
    address_hint = models.CharField("住所の手がかり", max_length=200, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="engagements",
        verbose_name="本人（特定後）",
    )  # fmt: skip
    case = models.ForeignKey(
        "cases.CollaborationCase", on_delete=models.PROTECT, null=True, blank=True, related_name="engagements",
        verbose_name="多機関協働の事例",
    )  # fmt: skip
    stage = models.CharField(
        "関係の段階", max_length=20, choices=Stage.choices, default=Stage.NOT_CONTACTED, editable=False
    )
    next_attempt_on = models.DateField("次回の予定日", null=True, blank=True)
    next_attempt_method = models.CharField(
        "次回の方法", max_length=20, choices=ContactMethod.choices, blank=True
    )
    status = models.CharField(
        "状況", max_length=10, choices=Status.choices, default=Status.ACTIVE, editable=False
    )
    started_on = models.DateField("把握日", default=timezone.localdate)
    closed_on = models.DateField("終了日", null=True, blank=True, editable=False)
    close_reason = models.CharField("終了の理由", max_length=1000, blank=True, editable=False)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name="登録者"
    )
    created_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチの取組"
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["municipality", "status"], name="engagement_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    @property
    def number(self) -> str:
        return f"O-{self.pk:05d}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == Status.ACTIVE
            and self.next_attempt_on is not None
            and self.next_attempt_on < timezone.localdate()
        )


class EngagementAttempt(models.Model):
    """One effort to reach the person (the same methods and outcomes as the case's 連絡の試み); a linked case
    counts these before ④ (suspension)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="attempts")
    attempted_on = models.DateField("日付")
    method = models.CharField("方法", max_length=20, choices=ContactMethod.choices)
    outcome = models.CharField("結果", max_length=20, choices=ContactOutcome.choices)
    staff = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="職員")
    note = models.CharField("内容", max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチの連絡の試み"
        ordering = ["attempted_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class StageChange(models.Model):
    """The relationship stage over time: every change with its date and who recorded it (append-only)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField("前の段階", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("段階", max_length=20, choices=Stage.choices)
    changed_on = models.DateField("日付")
    by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="記録者")
    note = models.CharField("メモ", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "関係の段階の履歴"
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
