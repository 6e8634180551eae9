"""Writing the access log: every read and write of personal data goes through these two functions."""

from collections.abc import Iterable

from django.db.models import Model

from .middleware import current_request_context
from .models import AccessLogEntry

Action = AccessLogEntry.Action


def _object_type(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


def record(
    *,
    user,
    action: str,
    obj: Model | None = None,
    model: type[Model] | None = None,
    object_id: str = "",
    person_id: int | None = None,
    case_id: int | None = None,
    detail: str = "",
) -> AccessLogEntry:
    """Append one entry: who, when, tenant, what, which action, for which case, from where."""
    ctx = current_request_context()
    target = obj if obj is not None else model
    return AccessLogEntry.objects.create(
        municipality_id=user.municipality_id,
        user=user,
        username=user.get_username(),
        action=action,
        object_type=_object_type(target),
        object_id=(str(obj.pk) if obj is not None and obj.pk is not None else object_id)[:40],
        person_id=person_id,
        case_id=case_id,
        ip=ctx.ip if ctx else None,
        via=ctx.via if ctx else "system",
        detail=detail[:300],
    )


def record_many(*, user, action: str, objects: Iterable[Model], model: type[Model], detail: str = "") -> None:
    """One entry per row read in a list, search result or export, so a person's trail is complete."""
    ctx = current_request_context()
    rows = [
        AccessLogEntry(
            municipality_id=user.municipality_id,
            user=user,
            username=user.get_username(),
            action=action,
            object_type=_object_type(model),
            object_id=str(obj.pk),
            person_id=obj.pk
            if model._meta.label_lower == "people.person"
            else getattr(obj, "person_id", None),
            case_id=obj.pk
            if model._meta.label_lower == "cases.collaborationcase"
            else getattr(obj, "case_id", None),
            ip=ctx.ip if ctx else None,
            via=ctx.via if ctx else "system",
            detail=detail[:300],
        )
        for obj in objects
    ]
    AccessLogEntry.objects.bulk_create(rows)


def build(
    *,
    municipality_id: int,
    action: str,
    obj: Model,
    user=None,
    actor: str = "",
    person_id=None,
    detail: str = "",
) -> AccessLogEntry:
    """An unsaved entry for `append`: bulk writers (imports) log thousands of rows in one insert."""
    ctx = current_request_context()
    return AccessLogEntry(
        municipality_id=municipality_id,
        user=user,
        username=user.get_username() if user is not None else actor,
        action=action,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        person_id=person_id,
        ip=ctx.ip if ctx and user is not None else None,
        via=(ctx.via if ctx else "system") if user is not None else "system",
        detail=detail[:300],
    )


def append(entries: list[AccessLogEntry]) -> None:
    AccessLogEntry.objects.bulk_create(entries, batch_size=2000)
