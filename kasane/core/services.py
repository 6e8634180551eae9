"""Writes of core data: staff and their roles, tenant settings, API tokens. Each is audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit, policy, twofactor
from .concurrency import lock_for_update
from .errors import DomainError
from .models import ApiToken, Municipality, StaffRole, User
from .roles import Role

Action = audit.Action


def _check_agency(actor: User, agency) -> None:
    if agency is not None and agency.municipality_id != actor.municipality_id:
        raise DomainError("他の自治体の機関は選べません。", field="agency")


def _set_roles(staff: User, roles) -> None:
    wanted = {Role(r) for r in roles}
    if not wanted:
        raise DomainError("役割を1つ以上選んでください。", field="roles")
    StaffRole.objects.filter(user=staff).exclude(role__in=wanted).delete()
    for role in wanted - staff.roles:
        StaffRole.objects.create(user=staff, role=role)


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    last_name: str,
    first_name: str,
    email: str = "",
    agency=None,
    section: str = "",
    roles,
    password: str,
) -> User:
    policy.require_create(actor, "core.User")
    _check_agency(actor, agency)
    if User.objects.filter(username=username).exists():
        raise DomainError("このログインIDは既に使われています。", field="username")
    staff = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        email=email,
        municipality_id=actor.municipality_id,
        agency=agency,
        section=section,
    )
    try:
        validate_password(password, staff)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None
    staff.set_password(password)
    staff.must_change_password = True
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        raise DomainError("このログインIDは既に使われています。", field="username") from None
    _set_roles(staff, roles)
    audit.record(user=actor, action=Action.CREATE, obj=staff, detail="職員登録")
    return staff


@transaction.atomic
def staff_update(
    *,
    actor: User,
    staff: User,
    version,
    last_name: str,
    first_name: str,
    email: str,
    agency,
    section: str,
    roles,
    is_active: bool,
) -> User:
    policy.require(actor, policy.CHANGE, staff)
    _check_agency(actor, agency)
    if staff.pk == actor.pk and (not is_active or Role.ADMIN not in {Role(r) for r in roles}):
        raise DomainError("自分自身の管理者権限の削除や無効化はできません。", field="roles")
    locked = lock_for_update(User, staff.pk, version)
    locked.last_name, locked.first_name, locked.email = last_name, first_name, email
    locked.agency, locked.section, locked.is_active = agency, section, is_active
    locked.save()
    _set_roles(locked, roles)
    audit.record(user=actor, action=Action.UPDATE, obj=locked, detail="職員情報の変更")
    return locked


@transaction.atomic
def staff_reset_two_factor(*, actor: User, staff: User) -> None:
    policy.require(actor, policy.CHANGE, staff)
    twofactor.reset(staff)
    audit.record(user=actor, action=Action.UPDATE, obj=staff, detail="2段階認証のリセット")


CASE_SETTINGS = (
    "stats_suppression_below", "suspension_min_attempts", "suspension_min_days", "no_contact_alert_days", "plan_meeting_legal_basis",
    "plan_meeting_needs_consent", "confidential_meeting_legal_basis", "confidential_meeting_needs_consent",
)  # fmt: skip


@transaction.atomic
def municipality_update_settings(
    *,
    actor: User,
    municipality: Municipality,
    version,
    require_two_factor: bool,
    referral_overdue_working_days=None,
    **case_settings,
) -> Municipality:
    """Security, referral deadline, and the 多機関協働 settings (suspension rule, meeting bases and consent)."""
    policy.require(actor, policy.CHANGE, municipality)
    locked = lock_for_update(Municipality, municipality.pk, version)
    locked.require_two_factor = require_two_factor
    if referral_overdue_working_days is not None:
        locked.referral_overdue_working_days = referral_overdue_working_days
    for key in CASE_SETTINGS:
        if case_settings.get(key) not in (None, ""):
            setattr(locked, key, case_settings[key])
    if not locked.plan_meeting_legal_basis.strip() or not locked.confidential_meeting_legal_basis.strip():
        raise DomainError("会議の根拠を入力してください。", field="plan_meeting_legal_basis")
    locked.save()
    audit.record(user=actor, action=Action.UPDATE, obj=locked, detail="設定の変更")
    return locked


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    policy.require_create(user, "core.ApiToken")
    name = (name or "").strip()
    if not name:
        raise DomainError("用途を入力してください。", field="name")
    if len(name) > 100:
        raise DomainError("用途は100文字以内で入力してください。", field="name")
    token, key = ApiToken.issue(user=user, name=name)
    audit.record(user=user, action=Action.CREATE, obj=token, detail="APIトークン発行")
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    policy.require(actor, policy.REVOKE, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(user=actor, action=Action.UPDATE, obj=token, detail="APIトークン失効")
    return token
