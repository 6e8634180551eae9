"""Writes of persons and households: create, edit with version check, household membership, 名寄せ (merge and
undo). Audited."""

from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, UniqueConstraint
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError

from .models import Household, Membership, Person, PersonMerge
from .names import to_katakana

PERSON_FIELDS = (
    "family_name", "given_name", "family_kana", "given_kana", "birth_date", "description", "sex", "postal_code",
    "address", "phone_home", "phone_mobile", "email", "contact_precautions", "notes",
)  # fmt: skip


def _clean_person(person: Person) -> None:
    person.family_kana = to_katakana(person.family_kana)
    person.given_kana = to_katakana(person.given_kana)
    if person.birth_date and person.birth_date > timezone.localdate():
        raise DomainError("生年月日が未来の日付になっています。", field="birth_date")
    if not (person.family_name or person.given_name or person.family_kana or person.description):
        raise DomainError(
            "氏名・フリガナ・特徴（例：50代男性）のいずれかを入力してください。", field="family_name"
        )
    try:
        person.full_clean(exclude=["municipality", "registered_by_agency"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from None


def merged_message(kept_id: int, *, user=None) -> str:
    """「この本人の記録は〇〇（本人ID n）に統合されています。…」; the kept record's name only when the user may
    see it (a record merged into one registered elsewhere must not disclose that one's name)."""
    kept = Person.objects.filter(pk=kept_id)
    if user is not None:
        kept = policy.scope(user, Person).filter(pk=kept_id)
    found = kept.first()
    if found is None:  # neither the name nor the id of a record the user may not see
        return "この本人の記録は別の記録に統合されています。統合先の記録に登録してください。"
    return f"この本人の記録は{found.display_name}（本人ID {kept_id}）に統合されています。統合先の記録に登録してください。"


def person_require_active(person: Person, *, user=None, field: str | None = "person") -> None:
    """Refuse a new record on a person merged into another (名寄せ): the one rule every service that creates or
    attaches a record to a person calls. Reads (and, in a transaction, locks) the row so that a merge running
    at the same time either moves the new record too or is seen here."""
    rows = Person.objects.filter(pk=person.pk)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    merged_into_id = rows.values_list("merged_into_id", flat=True).first()
    if merged_into_id is not None:
        raise DomainError(merged_message(merged_into_id, user=user), field=field)


@transaction.atomic
def person_create(*, user, **fields) -> Person:
    policy.require_create(user, "people.Person")
    person = Person(
        municipality_id=user.municipality_id,
        registered_by_agency_id=user.agency_id,
        **{k: v for k, v in fields.items() if k in PERSON_FIELDS and v is not None},
    )
    _clean_person(person)
    person.save()
    audit.record(user=user, action=audit.Action.CREATE, obj=person, person_id=person.pk)
    return person


@transaction.atomic
def person_update(*, user, person: Person, version, **fields) -> Person:
    policy.require(user, policy.CHANGE, person)
    try:
        locked = lock_for_update(Person, person.pk, version)
    except ConflictError:
        raise conflict_with_changes(person, version, PERSON_FIELDS, "本人情報") from None
    if locked.merged_into_id is not None:
        raise DomainError(
            "この記録は別の記録に統合されたため編集できません。統合先の記録を編集してください。"
        )
    for key in PERSON_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    _clean_person(locked)
    locked.save()
    audit.record(user=user, action=audit.Action.UPDATE, obj=locked, person_id=locked.pk)
    return locked


@transaction.atomic
def household_create(*, user, name: str = "", address: str = "", head: Person | None = None) -> Household:
    policy.require_create(user, "people.Household")
    if not name and head is not None and head.family_name:
        name = f"{head.family_name}さん世帯"
    household = Household.objects.create(municipality_id=user.municipality_id, name=name, address=address)
    audit.record(user=user, action=audit.Action.CREATE, obj=household)
    if head is not None:
        membership_add(user=user, household=household, person=head, relationship="head")
    return household


@transaction.atomic
def membership_add(
    *, user, household: Household, person: Person, relationship: str, joined_on: date | None = None
) -> Membership:
    policy.require(user, policy.CHANGE, household)
    if (
        person.municipality_id != household.municipality_id
        or household.municipality_id != user.municipality_id
    ):
        raise DomainError("他の自治体の本人・世帯は扱えません。")
    person_require_active(person, user=user)
    if Membership.objects.filter(person=person, left_on__isnull=True).exclude(household=household).exists():
        raise DomainError("この方は別の世帯に属しています。先にその世帯を離れる日を記録してください。")
    membership, _created = Membership.objects.get_or_create(
        household=household, person=person, left_on=None,
        defaults={"relationship": relationship, "joined_on": joined_on},
    )  # fmt: skip
    audit.record(
        user=user, action=audit.Action.UPDATE, obj=household, person_id=person.pk, detail="世帯員の追加"
    )
    return membership


@transaction.atomic
def member_join(*, user, household: Household, person: Person | None, new_person: dict, relationship: str,
                joined_on: date | None = None) -> Person:  # fmt: skip
    """Add an existing person, or record a new one and add them, in one step (all or nothing)."""
    policy.require(user, policy.CHANGE, household)
    if person is None:
        person = person_create(user=user, **new_person)
    membership_add(
        user=user, household=household, person=person, relationship=relationship, joined_on=joined_on
    )
    return person


@transaction.atomic
def membership_leave(*, user, membership: Membership, left_on: date) -> Membership:
    policy.require(user, policy.CHANGE, membership.household)
    if membership.joined_on and left_on < membership.joined_on:
        raise DomainError("世帯を離れた日が、加わった日より前になっています。", field="left_on")
    membership.left_on = left_on
    membership.save()
    audit.record(
        user=user, action=audit.Action.UPDATE, obj=membership.household, person_id=membership.person_id,
        detail="世帯員の離脱",
    )  # fmt: skip
    return membership


# --- 名寄せ: merging two records of the same person, and undoing it --------------------------------------------
#
# A merge keeps both records and both histories: `kept` takes the chosen field values and every row of the
# other apps that pointed at `merged`; `merged` stays, marked merged_into = kept, and lists hide it. The
# PersonMerge row records what the undo needs: each field's previous value and each row moved.

MERGE_SOURCES = ("kept", "merged")


def merge_relations() -> list[tuple[type[Model], str]]:
    """Every (model, foreign key) that points at a person, found generically so that a new app is covered.

    Left out: the history tables (they record what was), PersonMerge itself and Person.merged_into.
    """
    relations = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        related = rel.related_model
        if related in (Person, PersonMerge) or hasattr(related, "instance_type"):  # simple-history's tables
            continue
        relations.append((related, rel.field.name))
    return sorted(relations, key=lambda r: (r[0]._meta.label, r[1]))


def merge_counts(person: Person, *, user) -> tuple[list[tuple[str, int]], bool]:
    """What a merge would move from this person, for the confirmation screen: the rows the user may see, as
    (「相談」, n), and whether rows the user may not see move too (shown without kind or number: even the count
    of 支援会議 cases or of pre-consent outreach must not leak)."""
    counts: dict[str, int] = {}
    hidden = False
    for related, field_name in merge_relations():
        rows = {field_name: person.pk}
        total = related._base_manager.filter(**rows).count()
        if not total:
            continue
        try:
            n = policy.scope(user, related).filter(**rows).count()
        except LookupError:  # a model without an access policy: never counted, never named
            n = 0
        if n:
            label = str(related._meta.verbose_name)
            counts[label] = counts.get(label, 0) + n
        hidden = hidden or total > n
    return list(counts.items()), hidden


def _require_change(user, person: Person, message: str) -> None:
    """The right person_update enforces: seeing a record (e.g. through a consent) is not changing it."""
    if not policy.can(user, policy.CHANGE, person):
        raise DomainError(message)


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def _field_value(field_name: str, stored):
    if field_name == "birth_date" and stored:
        return date.fromisoformat(stored)
    return stored


def _unique_rules(related: type[Model], field_name: str) -> bool:
    """Whether moving a row of this model to another person can break a unique rule."""
    meta = related._meta
    field = meta.get_field(field_name)
    return (
        field.unique
        or any(field_name in group for group in meta.unique_together)
        or any(isinstance(c, UniqueConstraint) and field_name in c.fields for c in meta.constraints)
    )


def _breaks_unique(row: Model) -> bool:
    try:
        row.validate_unique()
        row.validate_constraints()
    except ValidationError:
        return True
    return False


def _lock_persons(pairs: list[tuple[int, object]]) -> dict[int, Person]:
    """Lock the persons in id order (two merges never wait on each other crosswise) and check versions."""
    locked = {}
    for pk, version in sorted(pairs, key=lambda p: p[0]):
        try:
            locked[pk] = lock_for_update(Person, pk, version)
        except ConflictError:
            raise ConflictError(
                f"本人ID {pk} の記録を他の職員が先に更新しました。最新の内容を確認してから、もう一度統合してください。"
            ) from None
    return locked


def _check_households(kept: Person, merged: Person) -> None:
    def current(person):
        return set(
            Membership.objects.filter(person=person, left_on__isnull=True).values_list(
                "household_id", flat=True
            )
        )

    kept_households, merged_households = current(kept), current(merged)
    if kept_households and merged_households and kept_households != merged_households:
        raise DomainError(
            "2つの記録が別々の世帯に属しています。統合する前に、どちらかの世帯を離れる日を記録してください。"
        )


@transaction.atomic
def person_merge(
    *, user, kept: Person, merged: Person, chosen_fields: dict, reason: str, expected_versions: dict
) -> PersonMerge:
    """Merge `merged` into `kept`: take the chosen values ({field: "kept" | "merged"}), move every row."""
    policy.require_merge_persons(user)
    if kept.pk == merged.pk:
        raise DomainError("同じ記録どうしは統合できません。別の本人IDを選んでください。")
    if kept.municipality_id != merged.municipality_id or kept.municipality_id != user.municipality_id:
        raise DomainError("他の自治体の記録とは統合できません。")
    visible = policy.scope(user, Person).filter(pk__in=[kept.pk, merged.pk]).count()
    if visible != 2:
        raise PermissionDenied("閲覧できない記録は統合できません。")
    for person in (kept, merged):
        _require_change(
            user, person,
            f"本人ID {person.pk} の記録を変更する権限がないため統合できません。"
            "その記録を登録した機関、または相談を記録した機関に統合を依頼してください。",
        )  # fmt: skip
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("統合の理由を入力してください。", field="reason")
    unknown = [
        f for f, source in chosen_fields.items() if f not in PERSON_FIELDS or source not in MERGE_SOURCES
    ]
    if unknown:
        raise DomainError("選べない項目が指定されました。画面を開き直してください。")
    locked = _lock_persons(
        [(kept.pk, expected_versions.get(kept.pk)), (merged.pk, expected_versions.get(merged.pk))]
    )
    kept, merged = locked[kept.pk], locked[merged.pk]
    for person in (kept, merged):
        if person.merged_into_id is not None:
            raise DomainError(f"本人ID {person.pk} の記録は既に別の記録に統合されています。")
    _check_households(kept, merged)

    chosen = {}
    for field_name, source in chosen_fields.items():
        taken = getattr(merged, field_name)
        if source == "merged" and taken != getattr(kept, field_name):
            chosen[field_name] = {"value": _jsonable(taken), "previous": _jsonable(getattr(kept, field_name))}
            setattr(kept, field_name, taken)
    _clean_person(kept)

    moved = []
    for related, field_name in merge_relations():
        rows = related._base_manager.filter(**{field_name: merged.pk}).order_by("pk")
        if not _unique_rules(related, field_name):
            pks = list(rows.values_list("pk", flat=True))
            rows.update(**{field_name: kept.pk})
            moved += [{"model": related._meta.label, "pk": pk, "field": field_name} for pk in pks]
            continue
        for row in rows:
            setattr(row, f"{field_name}_id", kept.pk)
            entry = {"model": related._meta.label, "pk": row.pk, "field": field_name}
            if _breaks_unique(row):
                # e.g. both records are current members of the same household: the kept record's row
                # stands, this one stays with the merged record (which lists and the household hide).
                moved.append(entry | {"stayed": True})
                continue
            related._base_manager.filter(pk=row.pk).update(**{field_name: kept.pk})
            moved.append(entry)

    kept._change_reason = f"名寄せ：本人ID {merged.pk} を統合"
    kept.save()
    merged.merged_into = kept
    merged._change_reason = f"名寄せ：本人ID {kept.pk} に統合"
    merged.save()
    merge = PersonMerge.objects.create(
        municipality_id=kept.municipality_id, kept=kept, merged=merged, reason=reason[:500], chosen=chosen,
        moved=moved, merged_by=user,
    )  # fmt: skip
    count = sum(1 for m in moved if not m.get("stayed"))
    audit.record(user=user, action=audit.Action.UPDATE, obj=kept, person_id=kept.pk,
                 detail=f"名寄せ {merge.pk}：本人ID {merged.pk} を統合（{count} 件を移動）")  # fmt: skip
    audit.record(user=user, action=audit.Action.UPDATE, obj=merged, person_id=merged.pk,
                 detail=f"名寄せ {merge.pk}：本人ID {kept.pk} に統合")  # fmt: skip
    return merge


def _refuse_links_to_rows_moved_back(kept: Person, moved: list[dict], back: list) -> None:
    """A row that stays with the kept record must not point at a row going back to the merged one (e.g. a
    consultation recorded after the merge whose first_consultation is a moved one): the undo would leave a link
    across two persons. Refused, naming the row that blocks it."""
    going_back: dict[str, set] = {}
    for related, _field, pk in back:
        going_back.setdefault(related._meta.label, set()).add(pk)
    if not going_back:
        return
    was_moved: dict[str, set] = {}
    for entry in moved:
        was_moved.setdefault(entry["model"], set()).add(entry["pk"])
    for related, field_name in merge_relations():
        for fk in related._meta.concrete_fields:
            target = fk.related_model if fk.is_relation and (fk.many_to_one or fk.one_to_one) else None
            if target is None or target._meta.label not in going_back:
                continue
            blocking = (
                related._base_manager.filter(
                    **{field_name: kept.pk, f"{fk.attname}__in": going_back[target._meta.label]}
                )
                .exclude(pk__in=was_moved.get(related._meta.label, ()))
                .values_list("pk", fk.attname)
                .order_by("pk")
                .first()
            )
            if blocking is not None:
                raise DomainError(
                    f"統合後に登録された{related._meta.verbose_name}（ID {blocking[0]}）が移した"
                    f"{target._meta.verbose_name}（ID {blocking[1]}）を参照しているため取り消せません。"
                    "その参照を外してから、もう一度取り消してください。"
                )


@transaction.atomic
def person_merge_undo(*, user, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: the kept record's previous values, every moved row back, the merged record listed again.

    Refused when the kept record's merged values were edited since, when the kept record was itself merged
    into another, or when a moved row has been given to another person since.
    """
    policy.require_merge_persons(user)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if not policy.scope(user, PersonMerge).filter(pk=merge.pk).exists():
        raise PermissionDenied("この統合を取り消す権限がありません。")
    _require_change(
        user, Person._base_manager.get(pk=merge.kept_id),
        f"残した記録（本人ID {merge.kept_id}）を変更する権限がないため、この統合を取り消せません。",
    )  # fmt: skip
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("取り消しの理由を入力してください。", field="reason")
    if merge.undone_at is not None:
        raise DomainError("この統合は既に取り消されています。")
    locked = {
        p.pk: p
        for p in Person._base_manager.select_for_update()
        .filter(pk__in=[merge.kept_id, merge.merged_id])
        .order_by("pk")
    }
    kept, merged = locked[merge.kept_id], locked[merge.merged_id]
    if kept.merged_into_id is not None:
        raise DomainError(
            f"残した記録（本人ID {kept.pk}）がその後さらに別の記録に統合されています。先にその統合を取り消してください。"
        )
    if merged.merged_into_id != kept.pk:
        raise DomainError("統合された記録の状態が変わっているため、取り消せません。")
    edited = [
        str(Person._meta.get_field(f).verbose_name)
        for f, values in merge.chosen.items()
        if _jsonable(getattr(kept, f)) != values["value"]
    ]
    if edited:
        raise DomainError(
            f"統合の後で、残した記録の{'、'.join(edited)}が変更されているため取り消せません。"
            "その項目を統合直後の値に戻すか、本人の記録を直接編集してください。"
        )

    back = []
    for entry in merge.moved:
        if entry.get("stayed"):
            continue
        related = apps.get_model(entry["model"])
        field_name = entry["field"]
        row = related._base_manager.filter(pk=entry["pk"]).first()
        if row is None:
            continue  # deleted since the merge: nothing to put back
        if getattr(row, f"{field_name}_id") != kept.pk:
            raise DomainError(
                f"統合の後で{related._meta.verbose_name}（ID {row.pk}）が別の本人に付け替えられているため、取り消せません。"
            )
        if _unique_rules(related, field_name):
            setattr(row, f"{field_name}_id", merged.pk)
            if _breaks_unique(row):
                raise DomainError(
                    f"{related._meta.verbose_name}（ID {row.pk}）を元の記録に戻すと重複するため、取り消せません。"
                )
        back.append((related, field_name, row.pk))
    _refuse_links_to_rows_moved_back(kept, merge.moved, back)
    for related, field_name, pk in back:
        related._base_manager.filter(pk=pk).update(**{field_name: merged.pk})

    for field_name, values in merge.chosen.items():
        setattr(kept, field_name, _field_value(field_name, values["previous"]))
    kept.version += 1
    kept._change_reason = f"名寄せの取り消し：本人ID {merged.pk} を分離"
    kept.save()
    merged.merged_into = None
    merged.version += 1
    merged._change_reason = f"名寄せの取り消し：本人ID {kept.pk} から分離"
    merged.save()
    merge.undone_by, merge.undone_at, merge.undo_reason = user, timezone.now(), reason[:500]
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    audit.record(user=user, action=audit.Action.UPDATE, obj=kept, person_id=kept.pk,
                 detail=f"名寄せ {merge.pk} の取り消し：本人ID {merged.pk} を分離（{len(back)} 件を戻す）")  # fmt: skip
    audit.record(user=user, action=audit.Action.UPDATE, obj=merged, person_id=merged.pk,
                 detail=f"名寄せ {merge.pk} の取り消し：本人ID {kept.pk} から分離")  # fmt: skip
    return merge
