"""Writes of persons and households: create, edit with version check, household membership. Audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError

from .models import Household, Membership, Person
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
