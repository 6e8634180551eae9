"""Finding at intake whether a person is already known (名寄せ): candidates, scores, and whom to ask.

Blocking reads a few bounded, indexed slices (reading, name, swapped name, estimated reading, birth date,
phone); scoring compares name (kanji and kana, variant kanji folded, swapped or changed family names),
birth date (typing, day/month and 和暦-era slips), sex, address and phone, and gives each candidate an
outcome: 同一人物の可能性が高い (score ≥ HIGH), 要確認 (≥ THRESHOLD) or 別人 (not listed). Both thresholds
are calibrated on benchmarks/matching (docs/BENCHMARKS.md). Records merged into another are never candidates.

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
from rapidfuzz.fuzz import ratio

from kasane.core import audit, policy

from . import dates
from .address import address_key, address_similarity
from .models import Person
from .names import kana_key, name_key
from .phones import phone_key
from .readings import estimated_reading

MUNICIPAL_OFFICE = "市町村（所管課）"
# Calibrated on benchmarks/matching: below THRESHOLD a record is 別人 and not listed.
THRESHOLD = 60
HIGH = 85
LIKELY, REVIEW, DIFFERENT = "同一人物の可能性が高い", "要確認", "別人"
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
    "reading_key",
    "sex",
    "postal_code",
    "address_key",
    "phone_key",
    "mobile_key",
)
# A birth date one slip away counts this much of an exact one; a year off by one, less.
_BIRTH_NEAR = 70
_BIRTH_YEAR = 60
# An estimated reading is a hint: it counts at most this much of a typed reading that matches.
_HINT = 85
# Points added for agreeing contact details (once name and birth date are scored) and taken for a
# different sex: household members share address and phone, so these only tip the balance.
_ADDRESS, _PHONE, _POSTAL, _SEX = 8, 8, 3, 25
# An address or phone on both sides that differs takes a little: a namesake one birth-date slip away is
# then 要確認, not 同一人物の可能性が高い (people move and change numbers, so never more).
_CONTRADICTS = 5
# What names the person: a candidate the user may not see is disclosed only on one of these.
_NAME_REASONS = ("フリガナ", "氏", "名", "読み")


def outcome(score: int) -> str:
    """同一人物の可能性が高い, 要確認 or 別人 for a score."""
    return LIKELY if score >= HIGH else REVIEW if score >= THRESHOLD else DIFFERENT


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

    @property
    def outcome(self) -> str:
        return outcome(self.score)

    @property
    def is_likely(self) -> bool:
        return self.score >= HIGH


@dataclass(frozen=True)
class _Typed:
    """What the counter typed, as keys: each name part folded, and which parts are present."""

    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: date | None
    sex: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    # The reading estimated from the typed kanji when no reading was typed (a hint).
    family_reading: str = ""
    given_reading: str = ""

    @property
    def name(self) -> str:
        return self.family_name + self.given_name

    @property
    def kana(self) -> str:
        return self.family_kana + self.given_kana

    @property
    def reading(self) -> str:
        return self.family_reading + self.given_reading

    @cached_property
    def near_dates(self) -> dict[date, str]:
        return dates.near_dates(self.birth_date) if self.birth_date else {}

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
    sex: str = "",
    postal_code: str = "",
    address: str = "",
    phone: str = "",
) -> list[Candidate]:
    """Persons of the user's municipality who may be the one being registered, best first. Only names,
    readings and the birth date are needed; sex, address and phone, when given, sharpen the scores."""
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
        sex=sex,
        postal_code=postal_code,
        address=address,
        phone=phone,
    )
    ids = [pk for _, pk, _ in scored]
    visible = policy.scope(user, Person).filter(pk__in=ids).order_by().in_bulk()
    holders = _holders([pk for pk in ids if pk not in visible])
    candidates = [
        Candidate(person=visible.get(pk), score=score, reasons=reasons, holders=holders.get(pk, []))
        for score, pk, reasons in scored
        # A person the user may not see is disclosed (as 「他機関で把握あり」) only on a name or reading
        # match: a birth date alone would let anyone probe who is known where.
        if pk in visible or _names_matched(reasons)
    ]
    _log(user, [c.person for c in candidates if c.person], sum(1 for c in candidates if not c.person))
    return candidates


def _names_matched(reasons: list[str]) -> bool:
    """Whether the name or reading matched (not only the birth date, an address or a phone number)."""
    return any(r.startswith(_NAME_REASONS) and ("一致" in r or "類似" in r) for r in reasons)


def _rank(
    municipality_id: int,
    *,
    family_name="",
    given_name="",
    family_kana="",
    given_kana="",
    birth_date=None,
    limit=8,
    sex="",
    postal_code="",
    address="",
    phone="",
) -> list[tuple[int, int, list[str]]]:
    """(score, person id, reasons) of the best candidates among all persons of the municipality, whoever
    may see them: callers decide what to disclose."""
    family_name, given_name = _split(family_name, given_name)
    family_kana, given_kana = _split(family_kana, given_kana)
    typed = _Typed(
        name_key(family_name),
        name_key(given_name),
        kana_key(family_kana),
        kana_key(given_kana),
        birth_date,
        sex=sex if sex in ("male", "female") else "",
        postal_code="".join(ch for ch in (postal_code or "") if ch.isdigit())[:7],
        address=address_key(address or "")[:200],
        phone=phone_key(phone or ""),
        family_reading="" if (family_kana or given_kana) else estimated_reading(family_name),
        given_reading="" if (family_kana or given_kana) else estimated_reading(given_name),
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
    persons = Person.objects.filter(municipality_id=municipality_id, merged_into=None).order_by()
    lookups = []
    if len(typed.kana) >= 2:
        lookups.append(persons.filter(kana_key=typed.kana))
        lookups.append(_prefixed(persons, "kana_key", typed.family_kana, typed.given_kana))
        # Records without フリガナ, through the reading estimated from their kanji.
        lookups.append(persons.filter(reading_key=typed.kana))
        if typed.family_kana and typed.given_kana:  # family and given name swapped
            lookups.append(persons.filter(kana_key=typed.given_kana + typed.family_kana))
    elif len(typed.reading) >= 2:
        lookups.append(persons.filter(kana_key=typed.reading))
    if len(typed.name) >= 2:
        lookups.append(persons.filter(name_key=typed.name))
        lookups.append(_prefixed(persons, "name_key", typed.family_name, typed.given_name))
        if typed.family_name and typed.given_name:
            lookups.append(persons.filter(name_key=typed.given_name + typed.family_name))
    if typed.birth_date:
        if len(typed.name) >= 2 or len(typed.kana) >= 2:
            # A changed family name (婚姻) keeps the birth date: the exact date is a block of its own; slips
            # are found through the name blocks above.
            lookups.append(persons.filter(birth_date=typed.birth_date))
        else:
            lookups.append(persons.filter(birth_date__in=[typed.birth_date, *sorted(typed.near_dates)]))
    if typed.phone:
        lookups.append(persons.filter(phone_key=typed.phone))
        lookups.append(persons.filter(mobile_key=typed.phone))
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
    """Dates one slip away (kept for callers of the first version; dates.near_dates says which slip)."""
    return set(dates.near_dates(day))


# --- scoring --------------------------------------------------------------------------------------------


def _score(typed: _Typed, row: dict) -> tuple[int, list[str]]:
    """0–100 from the reading, the name and the birth date: the name is 60 % and the birth date 40 % when
    both can be compared; a name alone reaches 80 and a birth date alone 60 (namesakes and shared birthdays
    are common). Sex, address and phone then add or take a few points."""
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
    hint = _reading_hint(typed, row, kana, name)
    if hint:
        kana = hint
        reasons.append(f"{hint[1]}{'一致' if hint[0] >= _HINT else '類似'}")
    name_sims = [found[0] for found in (kana, name) if found]
    name_sim = sum(name_sims) / len(name_sims) if name_sims else None
    birth_sim = None
    if typed.birth_date and row["birth_date"]:
        if typed.birth_date == row["birth_date"]:
            birth_sim = 100
            reasons.append("生年月日一致")
        elif row["birth_date"] in typed.near_dates:
            slip = typed.near_dates[row["birth_date"]]
            birth_sim = _BIRTH_YEAR if slip == dates.YEAR else _BIRTH_NEAR
            reasons.append(f"生年月日が近い（{slip}）")
        else:
            birth_sim = 0
            reasons.append("生年月日不一致")
    changed = _family_changed(typed, row, name_sim, birth_sim)
    if changed:
        name_sim = changed
        reasons.append(
            "名と生年月日が一致（氏の変更の可能性）"
            if birth_sim == 100
            else "名が一致・生年月日が近い（氏の変更の可能性）"
        )
    if name_sim is not None and birth_sim is not None:
        score = 0.6 * name_sim + 0.4 * birth_sim
    elif name_sim is not None:
        score = 0.8 * name_sim
    else:
        score = 0.6 * (birth_sim or 0)
    score += _contact(typed, row, reasons)
    return max(0, min(100, round(score))), reasons


def _compare(family: str, given: str, row: dict, kind: str, labels: tuple[str, str, str]):
    """(similarity 0–100, what matched) for the parts that were typed, or None when nothing compares.
    `kind` is "name" or "kana". One part typed is compared with the same part on file and with the whole
    name on file, since the whole name is often typed into one field without a space. Both parts typed are
    also compared the other way round (family and given name swapped)."""
    whole_key = row[f"{kind}_key"]
    if not (family or given):
        return None
    if family and given:
        if not whole_key:
            return None
        straight = ratio(family + given, whole_key)
        swapped = ratio(given + family, whole_key)
        if swapped > straight and swapped >= 90:
            return swapped, f"{labels[0]}（氏と名の入れ替わり）"
        return straight, labels[0]
    typed, part, label = (family, "family", labels[1]) if family else (given, "given", labels[2])
    fold = kana_key if kind == "kana" else name_key
    part_key = fold(row[f"{part}_{kind}"])
    found = [(ratio(typed, key), text) for key, text in [(part_key, label), (whole_key, labels[0])] if key]
    return max(found, key=lambda match: match[0]) if found else None


def _reading_hint(typed: _Typed, row: dict, kana, name):
    """The reading estimated from kanji, compared when a reading is missing on one side and the kanji do not
    already match: a hint, weighed below a typed reading."""
    if name and name[0] == 100:
        return None
    if kana is None and typed.kana and not row["kana_key"] and row["reading_key"]:
        sim = ratio(typed.kana, row["reading_key"])
    elif kana is None and typed.reading and row["kana_key"]:
        sim = ratio(typed.reading, row["kana_key"])
    else:
        return None
    if sim < 80:
        return None
    return min(sim, _HINT), "読み（漢字からの推定）"


def _family_changed(typed: _Typed, row: dict, name_sim, birth_sim):
    """A different family name with the same given name and the same or a near birth date (婚姻・離婚):
    scored as a name that is likely the same, never as an exact one. The given name may have been typed
    after the family name in one field, or in the family field (swapped)."""
    if birth_sim is None or birth_sim < _BIRTH_YEAR or name_sim is None or name_sim >= 80:
        return None
    same_given = _given_matches(typed.family_name, typed.given_name, name_key(row["given_name"])) or (
        _given_matches(typed.family_kana, typed.given_kana, kana_key(row["given_kana"]))
    )
    return 70 if same_given and (typed.family_name or typed.family_kana) else None


def _given_matches(family: str, given: str, on_file: str) -> bool:
    """Whether the typed name holds the given name on file: in the given field, in the family field
    (swapped), or at the end of a whole name typed into the family field."""
    if not on_file:
        return False
    if given:
        return on_file in (given, family)
    return family == on_file or (len(family) > len(on_file) and family.endswith(on_file))


def _contact(typed: _Typed, row: dict, reasons: list[str]) -> int:
    """Points for sex, address and phone agreeing or not (reasons appended)."""
    points = 0
    if typed.sex and row["sex"] in ("male", "female"):
        if typed.sex == row["sex"]:
            reasons.append("性別一致")
        else:
            points -= _SEX
            reasons.append("性別不一致")
    if typed.address and row["address_key"]:
        similarity = address_similarity(typed.address, row["address_key"])
        if similarity >= 95:
            points += _ADDRESS
            reasons.append("住所一致")
        elif similarity >= 85:
            points += _ADDRESS // 2
            reasons.append("住所類似")
        elif similarity < 70:
            points -= _CONTRADICTS
            reasons.append("住所不一致")
    elif typed.postal_code and typed.postal_code == "".join(ch for ch in row["postal_code"] if ch.isdigit()):
        points += _POSTAL
        reasons.append("郵便番号一致")
    if typed.phone and typed.phone in (row["phone_key"], row["mobile_key"]):
        points += _PHONE
        reasons.append("電話番号一致")
    elif typed.phone and (row["phone_key"] or row["mobile_key"]):
        points -= _CONTRADICTS
        reasons.append("電話番号不一致")
    return points


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
