"""Finding at intake whether a person is already known (名寄せ): candidates, scores, and whom to ask.

The search looks at every person of the user's municipality, including those the user may not see:
telling a counter that another agency already knows the person is the point of 名寄せ. An invisible
candidate is returned without the person (no name, no birth date, no id), only with the names of the
agencies that hold the record, so the counter can ask them. Visible candidates come from
`policy.scope`, like every other read of a person, and are written to the access log.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.apps import apps
from django.utils import timezone
from rapidfuzz.fuzz import ratio

from kasane.core import audit, policy

from .models import Person
from .names import kana_key, name_key

MUNICIPAL_OFFICE = "市町村（所管課）"
THRESHOLD = 60
# Rows read per blocking lookup: keeps a common family name (サトウ) from reading thousands of rows.
BLOCK_SIZE = 200
_FIELDS = (
    "pk",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birth_date",
    "name_key",
    "kana_key",
)
# A birth date one typing slip away counts this much of an exact one.
_BIRTH_NEAR = 70


@dataclass
class Candidate:
    """A possible match. `person` is None when the user may not see it; `holders` then says whom to ask."""

    person: Person | None
    score: int
    reasons: list[str]
    holders: list[str] = field(default_factory=list)

    @property
    def is_visible(self) -> bool:
        return self.person is not None


@dataclass(frozen=True)
class _Typed:
    """What the counter typed, as keys: each name part folded, and which parts are present."""

    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: date | None

    @property
    def name(self) -> str:
        return self.family_name + self.given_name

    @property
    def kana(self) -> str:
        return self.family_kana + self.given_kana

    @cached_property
    def near_dates(self) -> set[date]:
        return _near_dates(self.birth_date) if self.birth_date else set()

    @property
    def searchable(self) -> bool:
        return self.birth_date is not None or len(self.name) >= 2 or len(self.kana) >= 2


def find_candidates(
    *,
    user,
    family_name: str = "",
    given_name: str = "",
    family_kana: str = "",
    given_kana: str = "",
    birth_date: date | None = None,
    limit: int = 8,
) -> list[Candidate]:
    """Persons of the user's municipality who may be the one being registered, best first."""
    if not policy.allows(user, "casework"):
        return []
    scored = _rank(
        user.municipality_id,
        family_name=family_name,
        given_name=given_name,
        family_kana=family_kana,
        given_kana=given_kana,
        birth_date=birth_date,
        limit=limit,
    )
    ids = [pk for _, pk, _ in scored]
    visible = policy.scope(user, Person).filter(pk__in=ids).order_by().in_bulk()
    holders = _holders([pk for pk in ids if pk not in visible])
    candidates = [
        Candidate(person=visible.get(pk), score=score, reasons=reasons, holders=holders.get(pk, []))
        for score, pk, reasons in scored
        # A person the user may not see is disclosed (as 「他機関で把握あり」) only on a name or reading
        # match: a birth date alone would let anyone probe who is known where.
        if pk in visible or any("一致" in r or "類似" in r for r in reasons if not r.startswith("生年月日"))
    ]
    _log(user, [c.person for c in candidates if c.person], sum(1 for c in candidates if not c.person))
    return candidates


def _rank(
    municipality_id: int, *, family_name, given_name, family_kana, given_kana, birth_date, limit
) -> list[tuple[int, int, list[str]]]:
    """(score, person id, reasons) of the best candidates among all persons of the municipality, whoever
    may see them: callers decide what to disclose."""
    family_name, given_name = _split(family_name, given_name)
    family_kana, given_kana = _split(family_kana, given_kana)
    typed = _Typed(
        name_key(family_name), name_key(given_name), kana_key(family_kana), kana_key(given_kana), birth_date
    )
    if not typed.searchable:
        return []
    scored = []
    for row in _block(municipality_id, typed):
        score, reasons = _score(typed, row)
        if score >= THRESHOLD:
            scored.append((score, row["pk"], reasons))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:limit]


def _split(family: str, given: str) -> tuple[str, str]:
    """A full name typed into the family field ("高橋 優子") is split at its first space."""
    family, given = (family or "").strip(), (given or "").strip()
    if not given and len(family.split(maxsplit=1)) == 2:
        family, given = family.split(maxsplit=1)
    return family, given


# --- blocking: a few indexed lookups, each bounded, instead of scoring every person ------------------------


def _block(municipality_id: int, typed: _Typed) -> list[dict]:
    persons = Person.objects.filter(municipality_id=municipality_id).order_by()
    lookups = []
    if len(typed.kana) >= 2:
        lookups.append(persons.filter(kana_key=typed.kana))
        lookups.append(_prefixed(persons, "kana_key", typed.family_kana, typed.given_kana))
    if len(typed.name) >= 2:
        lookups.append(persons.filter(name_key=typed.name))
        lookups.append(_prefixed(persons, "name_key", typed.family_name, typed.given_name))
    if typed.birth_date:
        lookups.append(persons.filter(birth_date__in=[typed.birth_date, *sorted(typed.near_dates)]))
    rows = {}
    for lookup in lookups:
        if lookup is not None:
            for row in lookup.values(*_FIELDS)[:BLOCK_SIZE]:
                rows[row["pk"]] = row
    return list(rows.values())


def _prefixed(persons, column: str, family: str, given: str):
    """Keys starting with the family part and the given part's first letter (a slip later in the given name
    is still found), as a range, which both SQLite and PostgreSQL answer from the (municipality, key) index:
    SQLite's LIKE is case-insensitive and cannot use a binary index."""
    if not family:
        return None
    prefix = family + given[:1]
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored; the next storable character
        following = 0xE000
    upper = prefix[:-1] + chr(min(following, 0x10FFFF))
    return persons.filter(**{f"{column}__gte": prefix, f"{column}__lt": upper})


def _near_dates(day: date) -> set[date]:
    """Dates one typing slip away: one digit changed, two neighbouring digits swapped, month and day swapped."""
    digits = f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime does not pad years before 1000
    spellings = {digits[:4] + digits[6:] + digits[4:6]}
    for i in range(8):
        spellings.update(digits[:i] + d + digits[i + 1 :] for d in "0123456789")
        if i < 7:
            spellings.add(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
    near = set()
    for spelling in spellings - {digits}:
        try:
            candidate = date(int(spelling[:4]), int(spelling[4:6]), int(spelling[6:]))
        except ValueError:
            continue
        if 1900 <= candidate.year <= timezone.localdate().year:
            near.add(candidate)
    return near


# --- scoring --------------------------------------------------------------------------------------------


def _score(typed: _Typed, row: dict) -> tuple[int, list[str]]:
    """0–100 from the reading, the name and the birth date: the name is 60 % and the birth date 40 % when
    both can be compared; a name alone reaches 80 and a birth date alone 60 (namesakes and shared birthdays
    are common)."""
    reasons = []
    kana = _compare(
        typed.family_kana, typed.given_kana, row, "kana", ("フリガナ", "フリガナ（氏）", "フリガナ（名）")
    )
    if kana:
        sim, label = kana
        reasons += [f"{label}一致"] if sim == 100 else [f"{label}類似"] if sim >= 80 else []
    name = _compare(typed.family_name, typed.given_name, row, "name", ("氏名", "氏", "名"))
    if name:
        sim, label = name
        reasons += [f"{label}（異体字を含む）一致"] if sim == 100 else [f"{label}類似"] if sim >= 75 else []
    name_sims = [found[0] for found in (kana, name) if found]
    name_sim = sum(name_sims) / len(name_sims) if name_sims else None
    birth_sim = None
    if typed.birth_date and row["birth_date"]:
        if typed.birth_date == row["birth_date"]:
            birth_sim = 100
            reasons.append("生年月日一致")
        elif row["birth_date"] in typed.near_dates:
            birth_sim = _BIRTH_NEAR
            reasons.append("生年月日が近い（1字違い・入れ替わり）")
        else:
            birth_sim = 0
            reasons.append("生年月日不一致")
    if name_sim is not None and birth_sim is not None:
        score = 0.6 * name_sim + 0.4 * birth_sim
    elif name_sim is not None:
        score = 0.8 * name_sim
    else:
        score = 0.6 * (birth_sim or 0)
    return round(score), reasons


def _compare(family: str, given: str, row: dict, kind: str, labels: tuple[str, str, str]):
    """(similarity 0–100, what matched) for the parts that were typed, or None when nothing compares.
    `kind` is "name" or "kana". One part typed is compared with the same part on file and with the whole
    name on file, since the whole name is often typed into one field without a space."""
    whole_key = row[f"{kind}_key"]
    if not (family or given):
        return None
    if family and given:
        return (ratio(family + given, whole_key), labels[0]) if whole_key else None
    typed, part, label = (family, "family", labels[1]) if family else (given, "given", labels[2])
    fold = kana_key if kind == "kana" else name_key
    part_key = fold(row[f"{part}_{kind}"])
    found = [(ratio(typed, key), text) for key, text in [(part_key, label), (whole_key, labels[0])] if key]
    return max(found, key=lambda match: match[0]) if found else None


# --- whom to ask, and the access log ---------------------------------------------------------------------


def _holders(person_ids: list[int]) -> dict[int, list[str]]:
    """The agencies that know each person: recorded a consultation, registered them, sent or received a
    referral. Named by label so that people does not import intake, which depends on it."""
    if not person_ids:
        return {}
    names = defaultdict(set)
    for pk, agency in Person.objects.filter(pk__in=person_ids).values_list(
        "pk", "registered_by_agency__name"
    ):
        names[pk].add(agency or MUNICIPAL_OFFICE)
    consultations = apps.get_model("intake.Consultation").objects.filter(person_id__in=person_ids)
    for pk, agency in consultations.order_by().values_list("person_id", "agency__name").distinct():
        names[pk].add(agency or MUNICIPAL_OFFICE)
    referrals = (
        apps.get_model("intake.Referral").objects.filter(person_id__in=person_ids).exclude(status="cancelled")
    )
    for pk, to_agency, from_agency in (
        referrals.order_by().values_list("person_id", "to_agency__name", "from_agency__name").distinct()
    ):
        names[pk].update([to_agency, from_agency or MUNICIPAL_OFFICE])
    # Agencies by name, the municipal office last: it is the fallback contact.
    return {
        pk: sorted(found, key=lambda name: (name == MUNICIPAL_OFFICE, name)) for pk, found in names.items()
    }


def _log(user, persons: list[Person], hidden: int) -> None:
    detail = "名寄せ候補" + (f"（ほかに他機関で把握 {hidden} 件）" if hidden else "")
    if persons:
        audit.record_many(user=user, action=audit.Action.SEARCH, objects=persons, model=Person, detail=detail)
    elif hidden:
        # Nothing visible was read, but the lookup disclosed that others know someone: keep a trace of it.
        audit.record(user=user, action=audit.Action.SEARCH, model=Person, detail=detail)
