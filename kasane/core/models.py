"""Tenants (Municipality), staff (User) and their roles, the append-only access log, API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .roles import Role
from .validators import validate_municipality_code


class Municipality(models.Model):
    """One tenant. Every row of personal data belongs to exactly one municipality."""

    name = models.CharField("自治体名", max_length=50)
    prefecture = models.CharField("都道府県", max_length=10)
    code = models.CharField(
        "地方公共団体コード", max_length=6, unique=True, validators=[validate_municipality_code]
    )
    require_two_factor = models.BooleanField(
        "全職員に2段階認証を義務付ける",
        default=False,
        help_text="管理者は常に2段階認証が必要です。オンにすると全職員に必要になります。",
    )
    referral_overdue_working_days = models.PositiveSmallIntegerField(
        "つなぐシートの応答期限（開庁日数）",
        default=3,
        help_text="この日数を過ぎても応答のないつなぐシートを、送り手・受け手・市町村のホームに表示します。",
    )
    # 多機関協働 (DOMAIN §4–§5): what a suspension needs, when a silent case surfaces, and the legal basis and
    # consent rule of each meeting kind (Gifu runs its 重層的支援会議 under art. 106-6 and still asks consent).
    suspension_min_attempts = models.PositiveSmallIntegerField(
        "中断に必要な連絡の試みの回数",
        default=3,
        help_text="④支援中断の決定には、この回数以上の連絡の試み（訪問・電話・関係者経由など）の記録が必要です。",
    )
    suspension_min_days = models.PositiveSmallIntegerField(
        "中断に必要な連絡の試みの期間（日）",
        default=30,
        help_text="最初と最後の連絡の試みが、この日数以上離れている必要があります。",
    )
    no_contact_alert_days = models.PositiveSmallIntegerField(
        "接触のない事例を表示するまでの日数",
        default=30,
        help_text="この日数、支援経過・連絡の試みの記録がない事例をホームに表示します。",
    )
    plan_meeting_legal_basis = models.CharField(
        "重層的支援会議の根拠", max_length=200, default="重層的支援体制整備事業実施要綱"
    )
    plan_meeting_needs_consent = models.BooleanField("重層的支援会議に本人同意を必要とする", default=True)
    confidential_meeting_legal_basis = models.CharField(
        "支援会議の根拠", max_length=200, default="社会福祉法第106条の6"
    )
    confidential_meeting_needs_consent = models.BooleanField("支援会議に本人同意を必要とする", default=False)
    # 秘匿処理: counts below this are shown as 「*」 in anything an evaluator or the council receives.
    stats_suppression_below = models.PositiveSmallIntegerField(
        "秘匿する件数（この数未満）",
        default=3,
        help_text="評価者・審議会向けの集計で、1以上この数未満の件数を「*」と表示します（0は秘匿しない）。",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "自治体"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"


class StaffUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("municipality", "agency").prefetch_related("role_rows")


class User(AbstractUser):
    """A staff member: belongs to one municipality, and to one agency or to the municipal office."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="staff", verbose_name="自治体"
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属機関",
        help_text="空欄は市町村（所管課）の職員です。",
    )
    section = models.CharField("所属課・係", max_length=100, blank=True)
    # Set when an admin sets the password (new staff, reset): the user chooses their own before anything else.
    must_change_password = models.BooleanField("次回ログイン時にパスワード変更", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = StaffUserManager()
    REQUIRED_FIELDS = ["email", "municipality"]

    class Meta:
        verbose_name = verbose_name_plural = "職員"
        ordering = ["municipality", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(Role(row.role) for row in self.role_rows.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def affiliation(self) -> str:
        return self.agency.name if self.agency_id else f"{self.municipality.name}（市町村）"

    def clean(self):
        super().clean()
        if self.agency_id and self.municipality_id and self.agency.municipality_id != self.municipality_id:
            raise ValidationError({"agency": "他の自治体の機関には所属できません。"})


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    history = HistoricalRecords()  # who granted or removed which role, and when

    class Meta:
        verbose_name = verbose_name_plural = "職員の役割"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staffrole_unique")]

    def __str__(self) -> str:
        return Role(self.role).label


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("閲覧記録は変更できません。")

    def delete(self):
        raise PermissionError("閲覧記録は削除できません。")


class AccessLogEntry(models.Model):
    """One read or write of personal data. Append-only: the app never changes or deletes an entry."""

    class Action(models.TextChoices):
        VIEW = "view", "閲覧"
        LIST = "list", "一覧"
        SEARCH = "search", "検索"
        EXPORT = "export", "出力"
        PRINT = "print", "印刷"
        CREATE = "create", "登録"
        UPDATE = "update", "更新"
        DELETE = "delete", "削除"

    at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    username = models.CharField("ログインID", max_length=150)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("対象の種類", max_length=50, db_index=True)
    object_id = models.CharField("対象ID", max_length=40, blank=True, db_index=True)
    person_id = models.BigIntegerField("本人ID", null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField("事例ID", null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IPアドレス", null=True, blank=True)
    via = models.CharField("経路", max_length=10, default="ui")
    detail = models.CharField("詳細", max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "閲覧・操作記録"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["municipality", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("閲覧記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("閲覧記録は削除できません。")


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the key is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終利用", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "APIトークン"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple["ApiToken", str]:
        key = "ksn_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[4:12], key_hash=_hash_token(key))
        return token, key

    @classmethod
    def find_active(cls, key: str) -> "ApiToken | None":
        return (
            cls.objects.select_related("user", "user__municipality")
            .filter(key_hash=_hash_token(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
