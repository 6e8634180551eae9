"""Ranking community resources for a person's needs and wishes, with the reasons for every point.

A pure module: `rank(wishes, offers)` takes plain values (built from the models by `wishes_of` and
`offer_of`) and returns suggestions, best first, each with the reasons it matched and the reasons it lost
points, so that the worker sees why and decides. The weights are deliberately simple and few: the score
orders the list, it does not choose for the worker.

Closed resources are never suggested. A full or paused resource is suggested (the worker may wait or ask the
host) but loses AVAILABILITY_PENALTY, so it never ranks above an open one with the same fit.
"""

from dataclasses import dataclass, field

from kasane.core.text import normalize_for_search

SLOT_LABELS = {"morning": "午前", "afternoon": "午後", "evening": "夕方・夜", "weekend": "土日"}
FIELD_LABELS = {"anyone": "どなたでも", "elderly": "高齢", "disability": "障害", "children": "子ども・子育て",
                "poverty": "生活困窮", "youth": "若者・ひきこもり"}  # fmt: skip

LIKE_POINTS, LIKE_CAP = 20, 40
CAN_DO_POINTS, CAN_DO_CAP = 15, 30
AREA_MATCH, AREA_MISMATCH = 20, -10
SLOT_MATCH, SLOT_MISMATCH = 10, -15
FLAG_MATCH = 10  # the resource offers what a wish needs (匿名, 同行, 少人数)
FLAG_MISSING = {"anonymity": -25, "company": -20, "groups": -15}
SITUATION_MATCH, SITUATION_MISSING = 15, -10  # ひきこもり可 / 障害可
FIELD_MATCH = 5
AGE_OUTSIDE = -40
OPEN_PLACES = 5
AVAILABILITY_PENALTY = 30


@dataclass(frozen=True)
class Wishes:
    likes: tuple[str, ...] = ()
    can_do: tuple[str, ...] = ()
    slots: frozenset[str] = frozenset()
    area: str = ""
    fields: frozenset[str] = frozenset()
    worries_groups: bool = False
    wants_anonymity: bool = False
    wants_company: bool = False
    hikikomori: bool = False
    disability: bool = False
    age: int | None = None


@dataclass(frozen=True)
class Offer:
    id: int
    name: str
    text: str = ""  # name, kind, activities and description: what likes and can-do are matched against
    status: str = "active"  # active / paused / closed
    area: str = ""
    slots: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    age_min: int | None = None
    age_max: int | None = None
    welcomes_hikikomori: bool = False
    welcomes_disability: bool = False
    allows_anonymous: bool = False
    allows_companion: bool = False
    small_group: bool = False
    capacity: int | None = None
    open_places: int | None = None

    @property
    def available(self) -> bool:
        return self.status == "active" and self.open_places != 0


@dataclass
class Suggestion:
    offer: Offer
    score: int = 0
    reasons: list[str] = field(default_factory=list)  # why it matched (+)
    concerns: list[str] = field(default_factory=list)  # why it lost points (−)

    @property
    def id(self) -> int:
        return self.offer.id

    def add(self, points: int, text: str) -> None:
        self.score += points
        (self.reasons if points > 0 else self.concerns).append(f"{text}（{points:+d}）")


def split_words(text: str) -> tuple[str, ...]:
    """Keywords typed as 料理、植物 / 料理,植物 / 料理 植物 (full- or half-width separators)."""
    for sep in "、，,・/／\n\t　":
        text = text.replace(sep, " ")
    return tuple(dict.fromkeys(w for w in text.split(" ") if w.strip()))


def _keywords(sugg: Suggestion, words, haystack: str, points: int, cap: int, label: str) -> None:
    hits = [w for w in words if normalize_for_search(w) and normalize_for_search(w) in haystack]
    if hits:
        sugg.add(min(points * len(hits), cap), f"{label}（{'、'.join(hits)}）が活動内容に合う")


def score(wishes: Wishes, offer: Offer) -> Suggestion:
    """The fit of one resource to the wishes, and every reason for it (pure; no database)."""
    sugg = Suggestion(offer)
    haystack = normalize_for_search(offer.text)
    _keywords(sugg, wishes.likes, haystack, LIKE_POINTS, LIKE_CAP, "好きなこと")
    _keywords(sugg, wishes.can_do, haystack, CAN_DO_POINTS, CAN_DO_CAP, "できること")
    if wishes.area and offer.area:
        if normalize_for_search(wishes.area) == normalize_for_search(offer.area):
            sugg.add(AREA_MATCH, f"希望の地域（{offer.area}）にある")
        else:
            sugg.add(AREA_MISMATCH, f"希望の地域ではない（{offer.area}）")
    if wishes.slots and offer.slots:
        common = [SLOT_LABELS.get(s, s) for s in SLOT_LABELS if s in wishes.slots & offer.slots]
        if common:
            sugg.add(SLOT_MATCH, f"参加しやすい時間帯（{'・'.join(common)}）に開いている")
        else:
            sugg.add(SLOT_MISMATCH, "参加しやすい時間帯に開いていない")
    if wishes.worries_groups:
        if offer.small_group:
            sugg.add(FLAG_MATCH, "少人数・個別の対応ができる（集団が不安）")
        else:
            sugg.add(FLAG_MISSING["groups"], "少人数・個別の対応がない（集団が不安）")
    if wishes.wants_anonymity:
        if offer.allows_anonymous:
            sugg.add(FLAG_MATCH, "名前を出さずに参加できる")
        else:
            sugg.add(FLAG_MISSING["anonymity"], "匿名での参加ができない")
    if wishes.wants_company:
        if offer.allows_companion:
            sugg.add(FLAG_MATCH, "支援者の同行ができる")
        else:
            sugg.add(FLAG_MISSING["company"], "支援者の同行の受け入れがない")
    if wishes.hikikomori:
        if offer.welcomes_hikikomori:
            sugg.add(SITUATION_MATCH, "ひきこもり状態の方を受け入れている")
        else:
            sugg.add(SITUATION_MISSING, "ひきこもり状態の方の受け入れが明記されていない")
    if wishes.disability:
        if offer.welcomes_disability:
            sugg.add(SITUATION_MATCH, "障害のある方を受け入れている")
        else:
            sugg.add(SITUATION_MISSING, "障害のある方の受け入れが明記されていない")
    common_fields = [FIELD_LABELS.get(f, f) for f in FIELD_LABELS if f in wishes.fields & offer.fields]
    if common_fields:
        sugg.add(FIELD_MATCH, f"対象分野（{'・'.join(common_fields)}）が合う")
    elif wishes.fields and "anyone" in offer.fields:
        sugg.add(FIELD_MATCH, "どなたでも参加できる")
    if wishes.age is not None and (
        (offer.age_min is not None and wishes.age < offer.age_min)
        or (offer.age_max is not None and wishes.age > offer.age_max)
    ):
        low = "" if offer.age_min is None else offer.age_min
        high = "" if offer.age_max is None else offer.age_max
        sugg.add(AGE_OUTSIDE, f"対象年齢（{low}〜{high}歳）の外")
    if offer.status == "paused":
        sugg.add(-AVAILABILITY_PENALTY, "休止中")
    elif offer.open_places == 0:
        capacity = f"定員{offer.capacity}人、" if offer.capacity is not None else ""
        sugg.add(-AVAILABILITY_PENALTY, f"{capacity}空きがない")
    elif offer.open_places:
        sugg.add(OPEN_PLACES, f"空きがある（{offer.open_places}人）")
    return sugg


def rank(wishes: Wishes, offers, *, limit: int | None = None) -> list[Suggestion]:
    """Suggestions best first: by score, then available before unavailable, then by name. Closed never appear."""
    suggestions = [score(wishes, o) for o in offers if o.status != "closed"]
    suggestions.sort(key=lambda s: (-s.score, not s.offer.available, s.offer.name, s.offer.id))
    return suggestions[:limit] if limit is not None else suggestions


def nothing_suitable(suggestions: list[Suggestion]) -> bool:
    """No available resource matched anything: the moment to record a gap (社会資源の不足)."""
    return not any(s.offer.available and s.score > 0 and s.reasons for s in suggestions)


# --- building the plain values from the models -------------------------------------------------------------


def _codes(text: str) -> frozenset[str]:
    return frozenset(c for c in (text or "").split(",") if c)


def wishes_of(needs, age: int | None = None) -> Wishes:
    return Wishes(
        likes=split_words(needs.likes), can_do=split_words(needs.can_do), slots=_codes(needs.slots),
        area=needs.area, fields=_codes(needs.fields), worries_groups=needs.worries_groups,
        wants_anonymity=needs.wants_anonymity, wants_company=needs.wants_company, hikikomori=needs.hikikomori,
        disability=needs.disability, age=age,
    )  # fmt: skip


def offer_of(resource) -> Offer:
    text = " ".join([resource.name, resource.kind.name, resource.activities, resource.description])
    return Offer(
        id=resource.pk, name=resource.name, text=text, status=resource.status, area=resource.area,
        slots=_codes(resource.slots), fields=_codes(resource.fields), age_min=resource.age_min,
        age_max=resource.age_max, welcomes_hikikomori=resource.welcomes_hikikomori,
        welcomes_disability=resource.welcomes_disability, allows_anonymous=resource.allows_anonymous,
        allows_companion=resource.allows_companion, small_group=resource.small_group, capacity=resource.capacity,
        open_places=resource.open_places,
    )  # fmt: skip
