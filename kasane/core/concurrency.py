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


def changed_since(obj: Model, version, fields) -> list[str]:
    """The labels of the fields others changed since the version this user opened (from the model's
    simple-history), so that a refused save can say what changed."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        return []
    rows = list(obj.history.order_by("-history_id"))
    opened = next((h for h in rows if h.version == version), None)
    if opened is None:
        return []
    current = rows[0]
    return [
        str(obj._meta.get_field(f).verbose_name) for f in fields if getattr(opened, f) != getattr(current, f)
    ]


def conflict_with_changes(obj: Model, version, fields, what: str) -> ConflictError:
    changed = changed_since(obj, version, fields)
    detail = f"（変更された項目：{'、'.join(changed)}）" if changed else ""
    return ConflictError(
        f"他の職員がこの{what}を先に更新しました{detail}。最新の内容を確認してから、もう一度変更してください。"
    )
