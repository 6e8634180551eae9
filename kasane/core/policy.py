"""The access policy: the one place that decides who may see and do what, per object type.

Every query of tenant data starts with `scope(user, Model)`; every action on an object asks
`can(user, action, obj)`. Views, the API, exports, prints and the admin all call these; nothing else
filters personal data. A record outside a user's scope is reported as missing (404), never as
forbidden, so that its existence is not confirmed.

Models are named by their label ("directory.Agency") so that core imports no domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import (
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Model, QuerySet
from django.http import Http404

from .roles import CASEWORK_ROLES, Role
from .validators import MAX_DB_ID

VIEW = "view"
CHANGE = "change"
CREATE = "create"
DELETE = "delete"
REVOKE = "revoke"


@dataclass(frozen=True)
class Policy:
    """How one object type is scoped (`visible`) and which roles may act on it (`actions`)."""

    label: str
    visible: Callable  # (user, queryset) -> queryset, already limited to the user's municipality
    actions: dict[str, Callable]  # action -> (user, obj) -> bool
    tenant_field: str = "municipality"


_POLICIES: dict[str, Policy] = {}


def _register(policy: Policy) -> None:
    _POLICIES[policy.label.lower()] = policy


def _policy_for(model: type[Model]) -> Policy:
    try:
        return _POLICIES[model._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"No access policy for {model._meta.label}: add one to kasane.core.policy"
        ) from None


def _is_staff_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.municipality_id)


# --- capabilities: pages and features that are not one record -------------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    "directory.view": frozenset(Role),  # the directory is public information: every role
    "directory.manage": frozenset({Role.ADMIN, Role.MUNICIPAL}),
    "staff.manage": frozenset({Role.ADMIN}),
    "tenant.configure": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    "casework": CASEWORK_ROLES,
    "aggregates.view": frozenset({Role.EVALUATOR, Role.MUNICIPAL, Role.ADMIN}),
}


def allows(user, capability: str) -> bool:
    return _is_staff_user(user) and bool(user.roles & CAPABILITIES[capability])


def require_capability(user, capability: str) -> None:
    if not allows(user, capability):
        raise PermissionDenied("この機能を使う権限がありません。")


# --- objects -----------------------------------------------------------------------------------------


def scope(user, model_or_queryset) -> QuerySet:
    """The rows of this type the user may see: never another municipality's, never out of policy."""
    qs = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    policy = _policy_for(qs.model)
    if not _is_staff_user(user):
        return qs.none()
    if policy.tenant_field:
        qs = qs.filter(**{policy.tenant_field: user.municipality_id})
    return policy.visible(user, qs)


def get_or_404(user, model_or_queryset, **lookup) -> Model:
    """The object if the user may see it; otherwise 404, whether it is missing or out of scope."""
    if any(isinstance(v, int) and not -MAX_DB_ID <= v <= MAX_DB_ID for v in lookup.values()):
        raise Http404  # beyond any stored id (PostgreSQL would refuse the query itself)
    try:
        return scope(user, model_or_queryset).get(**lookup)
    except (
        ObjectDoesNotExist,
        MultipleObjectsReturned,
        ValidationError,
        ValueError,
        TypeError,
        OverflowError,
    ):
        raise Http404 from None


def can(user, action: str, obj: Model) -> bool:
    policy = _policy_for(type(obj))
    if not _is_staff_user(user):
        return False
    if policy.tenant_field and _tenant_id(obj, policy.tenant_field) != user.municipality_id:
        return False
    check = policy.actions.get(action)
    return bool(check and check(user, obj))


def require(user, action: str, obj: Model) -> None:
    """Raise PermissionDenied for a visible object the user may not act on (callers 404 the invisible)."""
    if not can(user, action, obj):
        raise PermissionDenied("この操作を行う権限がありません。")


def can_create(user, label: str) -> bool:
    policy = _POLICIES[label.lower()]
    check = policy.actions.get(CREATE)
    return _is_staff_user(user) and bool(check and check(user, None))


def require_create(user, label: str) -> None:
    if not can_create(user, label):
        raise PermissionDenied("登録する権限がありません。")


def _tenant_id(obj: Model, path: str):
    value = obj
    for part in path.split("__")[:-1]:
        value = getattr(value, part)
    return getattr(value, path.split("__")[-1] + "_id")


def model(label: str) -> type[Model]:
    return apps.get_model(label)


# --- the policies --------------------------------------------------------------------------------------


def _everyone(user, qs):
    return qs


def _role(*roles: str) -> Callable:
    return lambda user, obj: user.has_role(*roles)


_register(
    Policy(
        label="core.Municipality",
        tenant_field="",
        visible=lambda user, qs: qs.filter(pk=user.municipality_id),
        actions={
            VIEW: lambda user, obj: obj.pk == user.municipality_id,
            CHANGE: lambda user, obj: obj.pk == user.municipality_id and user.has_role(Role.ADMIN),
        },
    )
)

# Staff records: an admin manages all staff of the municipality; anyone else sees only themself.
_register(
    Policy(
        label="core.User",
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.filter(pk=user.pk),
        actions={
            VIEW: lambda user, obj: user.has_role(Role.ADMIN) or obj.pk == user.pk,
            CHANGE: _role(Role.ADMIN),
            CREATE: _role(Role.ADMIN),
        },
    )
)

_register(
    Policy(
        label="core.AccessLogEntry",
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.none(),
        actions={VIEW: _role(Role.ADMIN)},  # no CHANGE or DELETE for anyone: the log is append-only
    )
)

_register(
    Policy(
        label="core.ApiToken",
        tenant_field="user__municipality",
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.filter(user=user),
        actions={
            VIEW: lambda user, obj: user.has_role(Role.ADMIN) or obj.user_id == user.pk,
            REVOKE: lambda user, obj: user.has_role(Role.ADMIN) or obj.user_id == user.pk,
            CREATE: lambda user, obj: True,
        },
    )
)

# The agency directory is public information: every staff member of the municipality sees it.
_register(
    Policy(
        label="directory.Agency",
        visible=_everyone,
        actions={
            VIEW: lambda user, obj: True,
            CHANGE: _role(Role.ADMIN, Role.MUNICIPAL),
            CREATE: _role(Role.ADMIN, Role.MUNICIPAL),
        },
    )
)

_register(
    Policy(
        label="directory.Theme",
        visible=_everyone,
        actions={VIEW: lambda user, obj: True, CHANGE: _role(Role.ADMIN, Role.MUNICIPAL)},
    )
)
