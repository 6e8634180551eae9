"""Writes of intake: consultations (with problems and patterns), consent, referrals and their answers."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError
from kasane.people.services import person_require_active

from .models import Consent, Consultation, ConsultationProblem, LegalBasis, Pattern, Problem, Referral

CONSULTATION_FIELDS = (
    "received_on", "route", "consulter", "consulter_relationship", "consulter_name", "consulter_phone",
    "main_problem", "other_problem", "urgency", "narrative", "response",
)  # fmt: skip


def _check_problems(problems, main_problem) -> list[str]:
    problems = list(dict.fromkeys(problems or []))
    unknown = [p for p in problems if p not in Problem.values]
    if unknown:
        raise DomainError("課題の項目が正しくありません。", field="problems")
    if main_problem and main_problem not in problems:
        problems.append(main_problem)
    return problems


def _check_patterns(user, patterns) -> list[Pattern]:
    patterns = list(patterns or [])
    if any(p.municipality_id != user.municipality_id for p in patterns):
        raise DomainError("他の自治体のパターンは選べません。", field="patterns")
    return patterns


def _set_problems(consultation: Consultation, problems, *, created: bool = False) -> None:
    """The consultation's problem rows, with the consultation's columns they copy (received_on may change)."""
    copied = ConsultationProblem.copied_from(consultation)
    existing = set()
    if not created:
        rows = ConsultationProblem.objects.filter(consultation=consultation)
        rows.exclude(problem__in=problems).delete()
        rows.update(**copied)
        existing = set(rows.values_list("problem", flat=True))
    ConsultationProblem.objects.bulk_create(
        [
            ConsultationProblem(consultation=consultation, problem=p, **copied)
            for p in problems
            if p not in existing
        ]
    )


@transaction.atomic
def consultation_create(
    *, user, person, household=None, problems=(), patterns=(), first_consultation=None, **fields
) -> Consultation:
    """Record a consultation at the user's counter (any attribute: nobody is turned away)."""
    policy.require_create(user, "intake.Consultation")
    if person.municipality_id != user.municipality_id:
        raise DomainError("他の自治体の本人は選べません。", field="person")
    person_require_active(person, user=user)
    received_on = fields.get("received_on")
    if received_on and received_on > timezone.localdate():
        raise DomainError("受付日が未来の日付になっています。", field="received_on")
    if first_consultation is not None and first_consultation.person_id != person.pk:
        raise DomainError("初回の相談は同じ本人の相談を選んでください。", field="first_consultation")
    if first_consultation is not None and first_consultation.first_consultation_id:
        first_consultation = first_consultation.first_consultation  # always link to the very first one
    problems = _check_problems(problems, fields.get("main_problem"))
    consultation = Consultation.objects.create(
        municipality_id=user.municipality_id,
        agency_id=user.agency_id,
        staff=user,
        person=person,
        household=household,
        first_consultation=first_consultation,
        **{k: v for k, v in fields.items() if k in CONSULTATION_FIELDS},
    )
    _set_problems(consultation, problems, created=True)
    consultation.patterns.set(_check_patterns(user, patterns))
    audit.record(user=user, action=audit.Action.CREATE, obj=consultation, person_id=person.pk)
    return consultation


@transaction.atomic
def consultation_update(*, user, consultation: Consultation, version, problems=(), patterns=(), **fields):
    policy.require(user, policy.CHANGE, consultation)
    try:
        locked = lock_for_update(Consultation, consultation.pk, version)
    except ConflictError:
        raise conflict_with_changes(
            consultation, version, (*CONSULTATION_FIELDS, "status"), "相談の記録"
        ) from None
    if fields.get("received_on") and fields["received_on"] > timezone.localdate():
        raise DomainError("受付日が未来の日付になっています。", field="received_on")
    for key in CONSULTATION_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    if "status" in fields and fields["status"] in Consultation.Status.values:
        locked.status = fields["status"]
    locked.save()
    _set_problems(locked, _check_problems(problems, locked.main_problem))
    locked.patterns.set(_check_patterns(user, patterns))
    audit.record(user=user, action=audit.Action.UPDATE, obj=locked, person_id=locked.person_id)
    return locked


@transaction.atomic
def consent_record(
    *,
    user,
    person,
    obtained_on: date,
    method: str,
    agencies=(),
    covers_municipal_office: bool = True,
    share_basic: bool = True,
    share_consultation: bool = False,
    share_household: bool = False,
    consultation=None,
) -> Consent:
    policy.require_create(user, "intake.Consent")
    person_require_active(person, user=user)
    if obtained_on > timezone.localdate():
        raise DomainError("同意日が未来の日付になっています。", field="obtained_on")
    agencies = list(agencies or [])
    if any(a.municipality_id != user.municipality_id for a in agencies):
        raise DomainError("他の自治体の機関は選べません。", field="agencies")
    if not (share_basic or share_consultation or share_household):
        raise DomainError("共有してよい情報を1つ以上選んでください。", field="share_basic")
    consent = Consent.objects.create(
        municipality_id=user.municipality_id,
        person=person,
        consultation=consultation,
        obtained_on=obtained_on,
        method=method,
        obtained_by=user,
        obtained_by_agency_id=user.agency_id,
        covers_municipal_office=covers_municipal_office,
        share_basic=share_basic,
        share_consultation=share_consultation,
        share_household=share_household,
    )
    consent.agencies.set(agencies)
    audit.record(
        user=user, action=audit.Action.CREATE, obj=consent, person_id=person.pk, detail="本人同意の記録"
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, withdrawn_on: date, note: str = "") -> Consent:
    policy.require(user, policy.CHANGE, consent)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise DomainError("この同意は既に撤回されています。")
    if withdrawn_on > timezone.localdate():
        raise DomainError("撤回日が未来の日付になっています。", field="withdrawn_on")
    if withdrawn_on < consent.obtained_on:
        raise DomainError("撤回日が同意日より前になっています。", field="withdrawn_on")
    consent.withdrawn_on, consent.withdrawn_by, consent.withdrawal_note = withdrawn_on, user, note
    consent.save()
    audit.record(
        user=user,
        action=audit.Action.UPDATE,
        obj=consent,
        person_id=consent.person_id,
        detail="本人同意の撤回",
    )
    return consent


@transaction.atomic
def referral_create(
    *,
    user,
    consultation: Consultation,
    to_agency,
    reason: str,
    legal_basis: str,
    wants_to_talk: str = "",
    accommodation: str = "",
    household_summary: str = "",
    offline: bool = False,
) -> Referral:
    """Hand a consultation to another agency. Needs consent covering that agency, or a listed legal basis."""
    policy.require_create(user, "intake.Referral")
    if consultation.agency_id != user.agency_id:
        raise DomainError(
            "つなぐシートは相談を受け付けた機関から送ります。自機関の相談として記録してからつないでください。"
        )
    if to_agency.municipality_id != user.municipality_id:
        raise DomainError("他の自治体の機関にはつなげません。", field="to_agency")
    if to_agency.pk == user.agency_id:
        raise DomainError("自分の機関にはつなげません。", field="to_agency")
    person_require_active(consultation.person, user=user, field=None)
    if legal_basis not in LegalBasis.values:
        raise DomainError("情報提供の根拠を選んでください。", field="legal_basis")
    consent = None
    if legal_basis == LegalBasis.CONSENT:
        consent = next(
            (
                c
                for c in consultation.person.consents.filter(withdrawn_on__isnull=True)
                if c.covers(to_agency.pk)
            ),
            None,
        )
        if consent is None:
            raise DomainError(
                "つなぎ先の機関を含む本人同意が記録されていません。先に同意を記録するか、法令上の根拠を選んでください。",
                field="legal_basis",
            )
    referral = Referral.objects.create(
        municipality_id=user.municipality_id,
        consultation=consultation,
        person=consultation.person,
        from_agency_id=user.agency_id,
        from_staff=user,
        to_agency=to_agency,
        reason=reason,
        wants_to_talk=wants_to_talk,
        accommodation=accommodation,
        household_summary=household_summary,
        legal_basis=legal_basis,
        consent=consent,
        offline=offline,
    )
    detail = "つなぐシート送付" + ("" if consent else f"（根拠：{LegalBasis(legal_basis).label}）")
    audit.record(
        user=user, action=audit.Action.CREATE, obj=referral, person_id=referral.person_id, detail=detail
    )
    return referral


ANSWERS = {
    "takeover": Referral.Status.ACCEPTED_TAKEOVER,
    "joint": Referral.Status.ACCEPTED_JOINT,
    "return": Referral.Status.RETURNED,
}


@transaction.atomic
def referral_respond(*, user, referral: Referral, answer: str, version, return_reason: str = "") -> Referral:
    """The receiver accepts (takes over / supports jointly) or returns it with a reason."""
    if answer not in ANSWERS:
        raise DomainError("応答の種類が正しくありません。")
    policy.require(user, "respond", referral)
    if answer == "return" and not return_reason.strip():
        raise DomainError("差し戻しの理由を入力してください。", field="return_reason")
    locked = lock_for_update(Referral, referral.pk, version)
    if locked.status != Referral.Status.SENT:
        raise DomainError("このつなぐシートには既に応答があります。")
    locked.status = ANSWERS[answer]
    locked.responded_at = timezone.now()
    locked.responded_by = user
    locked.return_reason = return_reason.strip()
    locked.save()
    audit.record(
        user=user, action=audit.Action.UPDATE, obj=locked, person_id=locked.person_id,
        detail=f"つなぐシート：{locked.get_status_display()}",
    )  # fmt: skip
    return locked


@transaction.atomic
def referral_cancel(*, user, referral: Referral, version) -> Referral:
    policy.require(user, "cancel", referral)
    locked = lock_for_update(Referral, referral.pk, version)
    if locked.status != Referral.Status.SENT:
        raise DomainError("応答済みのつなぐシートは取り消せません。")
    locked.status = Referral.Status.CANCELLED
    locked.responded_at = timezone.now()
    locked.responded_by = user
    locked.save()
    audit.record(
        user=user, action=audit.Action.UPDATE, obj=locked, person_id=locked.person_id, detail="取り消し"
    )
    return locked


@transaction.atomic
def pattern_create(*, user, name: str) -> Pattern:
    policy.require_capability(user, "tenant.configure")
    name = name.strip()
    if Pattern.objects.filter(municipality_id=user.municipality_id, name=name).exists():
        raise DomainError("同じ名前のパターンが既にあります。", field="name")
    last = Pattern.objects.filter(municipality_id=user.municipality_id).order_by("-sort_order").first()
    return Pattern.objects.create(
        municipality_id=user.municipality_id, name=name, sort_order=(last.sort_order + 1) if last else 0
    )


@transaction.atomic
def patterns_ensure(*, municipality_id: int, names) -> list[Pattern]:
    existing = {p.name: p for p in Pattern.objects.filter(municipality_id=municipality_id)}
    return [
        existing.get(name) or Pattern.objects.create(municipality_id=municipality_id, name=name, sort_order=i)
        for i, name in enumerate(names)
    ]


@transaction.atomic
def intake_record(
    *,
    user,
    person=None,
    new_person: dict | None = None,
    household=None,
    consultation: dict,
    consent: dict | None = None,
) -> Consultation:
    """The 相談受付・申込票 in one step: the person (existing or new), the consultation, and the consent
    when it was obtained (同意あり) — all saved, or nothing."""
    from kasane.people.services import person_create

    if person is None:
        person = person_create(user=user, **(new_person or {}))
    record = consultation_create(user=user, person=person, household=household, **consultation)
    if consent is not None:
        consent_record(user=user, person=person, consultation=record, **consent)
    return record
