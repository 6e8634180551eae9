"""Optimistic locking: an edit names the version it started from; a stale version is refused."""

from django.db.models import Model

from .errors import ConflictError


def lock_for_update(model: type[Model], pk, expected_version) -> Model:
    """Lock the row (inside transaction.atomic), check the version, and bump it for the save to come."""
    # The base manager: no select_related joins, which PostgreSQL cannot lock (nullable outer joins).
    obj = model._base_manager.select_for_update().get(pk=pk)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ConflictError("版番号がありません。画面を開き直してから変更してください。") from None
    if obj.version != expected:
        raise ConflictError()
    obj.version += 1
    return obj
