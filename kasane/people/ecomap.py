"""エコマップ: a household and the agencies involved with it, as a server-rendered, accessible SVG.

``render_ecomap(members, agencies, links)`` returns a standalone ``<svg>`` string: no JavaScript, and no
``style`` attributes or ``<style>`` elements (the site's CSP forbids inline styles), only SVG presentation
attributes. It scales (``viewBox``, no fixed width/height) and reads out (``role="img"``, ``<title>`` and
``<desc>`` summarising who is in the household and which agency is involved with whom).

Layout: the household members sit in a grid inside the household box in the middle; the agencies sit on an
elliptical ring around it, pushed outwards until no two boxes overlap; a line runs from each agency to each
member it is linked with (solid: involved, dashed: referral under way, dotted: weak involvement). An agency the
viewer may not see (``hidden=True``) is drawn with a dashed outline as 「他機関（詳細は閲覧権限なし）」: its
label never reaches the output, nor does its key.

All geometry is in absolute coordinates (no transforms), so the output can be checked by parsing it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from html import escape

__all__ = ["HIDDEN_AGENCY_LABEL", "LINK_KINDS", "EcoAgency", "EcoLink", "EcoMember", "render_ecomap"]

HIDDEN_AGENCY_LABEL = "他機関（詳細は閲覧権限なし）"

# kind → (label for the legend and <desc>, stroke colour, stroke-dasharray or None)
LINK_KINDS: dict[str, tuple[str, str, str | None]] = {
    "involved": ("関与", "#2c5d8f", None),
    "referral": ("つなぎ中", "#b35600", "7 4"),
    "weak": ("弱い関わり", "#6b6b6b", "1.5 3.5"),
}


@dataclass(frozen=True)
class EcoMember:
    """A household member: ``label`` 「花子」, ``sublabel`` 「72歳・要介護」; ``highlight`` marks 本人."""

    key: Hashable
    label: str
    sublabel: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class EcoAgency:
    """An agency involved with the household; ``hidden`` when the viewer may not know which agency it is."""

    key: Hashable
    label: str
    hidden: bool = False


@dataclass(frozen=True)
class EcoLink:
    member_key: Hashable
    agency_key: Hashable
    kind: str = "involved"

    def __post_init__(self):
        if self.kind not in LINK_KINDS:
            raise ValueError(f"unknown link kind {self.kind!r} (expected one of {', '.join(LINK_KINDS)})")


# --- geometry (SVG user units) -------------------------------------------------------------------------------
MEMBER_W, MEMBER_H, MEMBER_GAP = 128, 54, 14
HOUSE_PAD, HOUSE_TOP = 18, 34
AGENCY_W, AGENCY_H = 168, 50
RING_GAP = 34  # between the household box and the nearest agency
AGENCY_GAP = 12  # between two agencies
MARGIN = 16
LEGEND_H = 38

FONT_FAMILY = (
    "'IPAexGothic', 'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', 'Meiryo', sans-serif"
)
INK, MUTED = "#1f2933", "#52606d"

# Characters XML 1.0 cannot carry at all (controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: _Box, gap: float = 0) -> bool:
        return not (
            self.x + self.w + gap <= other.x
            or other.x + other.w + gap <= self.x
            or self.y + self.h + gap <= other.y
            or other.y + other.h + gap <= self.y
        )

    def edge_towards(self, tx: float, ty: float) -> tuple[float, float]:
        """Where the segment from the centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.cx, ty - self.cy
        if dx == 0 and dy == 0:
            return self.cx, self.cy
        t = min(self.w / 2 / abs(dx) if dx else math.inf, self.h / 2 / abs(dy) if dy else math.inf, 1.0)
        return self.cx + dx * t, self.cy + dy * t


# --- text ----------------------------------------------------------------------------------------------------
def _clean(value) -> str:
    """One line of XML-safe text (not yet escaped)."""
    return _SPACES.sub(" ", _NOT_XML.sub("", str(value))).strip()


def _char_em(ch: str) -> float:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.6


def _text_width(text: str, size: float) -> float:
    return sum(_char_em(ch) for ch in text) * size


def _fit(text: str, size: float, width: float) -> str:
    """The text, cut with … when it would be wider than ``width`` at font size ``size``."""
    if _text_width(text, size) <= width:
        return text
    budget, used, out = width - size, 0.0, []  # room for the … (a full-width character)
    for ch in text:
        used += _char_em(ch) * size
        if used > budget:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def _wrap(text: str, size: float, width: float, lines: int) -> list[str]:
    """Greedy wrap into at most ``lines`` lines (Japanese breaks anywhere); the last line is cut with …."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1 and _text_width(rest, size) > width:
        used, cut = 0.0, 0
        for i, ch in enumerate(rest):
            used += _char_em(ch) * size
            if used > width:
                cut = i
                break
        # Prefer a break after a space or 「・」「）」, or before 「（」, when that does not leave the line too short.
        soft = max((i + 1 for i in range(cut) if rest[i] in " ・）、"), default=0)
        soft = max(soft, max((i for i in range(1, cut + 1) if rest[i] == "（"), default=0))
        if soft > cut // 2:
            cut = soft
        cut = max(cut, 1)
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not out:
        out.append(_fit(rest, size, width))
    return out


def _n(value: float) -> str:
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def _escape_attr(value: str) -> str:
    return escape(value, quote=False).replace('"', "&quot;")


def _attrs(**attrs) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _n(value)
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{_escape_attr(str(value))}"')
    return " ".join(parts)


def _text(
    x: float, y: float, content: str, *, size: float, fill: str = INK, bold: bool = False, **extra
) -> str:
    attrs = _attrs(
        x=x,
        y=y,
        font_size=size,
        fill=fill,
        text_anchor="middle",
        font_weight="bold" if bold else None,
        **extra,
    )
    return f"<text {attrs}>{escape(content, quote=False)}</text>"


# --- layout --------------------------------------------------------------------------------------------------
def _ring(count: int, rx: float, ry: float, start: float) -> list[tuple[float, float]]:
    """``count`` points evenly spaced by angle on an ellipse, clockwise from ``start`` (radians)."""
    return [
        (rx * math.cos(start + 2 * math.pi * i / count), ry * math.sin(start + 2 * math.pi * i / count))
        for i in range(count)
    ]


def _boxes_at(points, w: float, h: float) -> list[_Box]:
    return [_Box(x - w / 2, y - h / 2, w, h) for x, y in points]


def _clear(boxes: list[_Box], gap: float) -> bool:
    return all(
        not boxes[i].overlaps(boxes[j], gap) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
    )


def _member_boxes(count: int) -> tuple[_Box, list[_Box]]:
    """The household box and the member boxes inside it.

    Up to three members stand in a row; more stand on an ellipse, so that every member faces outwards and a
    line from an agency reaches it without passing behind another member.
    """
    if count <= 3:
        n = max(count, 1)
        row_w = n * MEMBER_W + (n - 1) * MEMBER_GAP
        boxes = [
            _Box(-row_w / 2 + i * (MEMBER_W + MEMBER_GAP), -MEMBER_H / 2, MEMBER_W, MEMBER_H)
            for i in range(count)
        ]
        inner = _Box(-row_w / 2, -MEMBER_H / 2, row_w, MEMBER_H)
    else:
        # A flat top (two members side by side) for an even count, one member on top for an odd count.
        start = -math.pi / 2 - (math.pi / count if count % 2 == 0 else 0)
        rx = MEMBER_W * 0.6
        while True:
            boxes = _boxes_at(_ring(count, rx, rx * 0.5, start), MEMBER_W, MEMBER_H)
            if _clear(boxes, MEMBER_GAP):
                break
            rx *= 1.04
        x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
        inner = _Box(x0, y0, max(b.x + b.w for b in boxes) - x0, max(b.y + b.h for b in boxes) - y0)
    house = _Box(
        inner.x - HOUSE_PAD, inner.y - HOUSE_TOP, inner.w + 2 * HOUSE_PAD, inner.h + HOUSE_TOP + HOUSE_PAD
    )
    return house, boxes


def _angle_gap(a: float, b: float) -> float:
    d = abs(a - b) % (2 * math.pi)
    return min(d, 2 * math.pi - d)


def _agency_boxes(count: int, house: _Box, wanted: list[float | None]) -> list[_Box]:
    """Agencies on an ellipse around the household, pushed out until nothing overlaps.

    ``wanted[i]`` is the direction (radians) of the members agency ``i`` is linked with, or None: the agencies
    keep that circular order and the ring is turned so that each sits as near its members as it can.
    """
    if count == 0:
        return []
    start = -math.pi / 2
    rx0 = house.w / 2 + AGENCY_W / 2 + RING_GAP
    ry0 = house.h / 2 + AGENCY_H / 2 + RING_GAP
    slots = [math.atan2(y, x) for x, y in _ring(count, rx0, ry0, start)]  # the slots' directions
    preferred = [slots[i] if w is None else w for i, w in enumerate(wanted)]
    order = sorted(range(count), key=lambda i: (preferred[i] % (2 * math.pi), i))
    best = min(
        range(count),
        key=lambda k: (sum(_angle_gap(slots[(j + k) % count], preferred[a]) for j, a in enumerate(order)), k),
    )
    slot_of = {a: (j + best) % count for j, a in enumerate(order)}
    scale = 1.0
    while True:
        points = _ring(count, rx0 * scale, ry0 * scale, start)
        boxes = _boxes_at([points[slot_of[i]] for i in range(count)], AGENCY_W, AGENCY_H)
        if all(not b.overlaps(house, RING_GAP - 1) for b in boxes) and _clear(boxes, AGENCY_GAP):
            return boxes
        scale *= 1.04


def _directions(agency_count: int, member_boxes: list[_Box], link_rows) -> list[float | None]:
    """Per agency, the direction from the centre of the mean position of its linked members (None: no link)."""
    sums: dict[int, list[float]] = {}
    for m_index, a_index, _ in link_rows:
        box = member_boxes[m_index]
        acc = sums.setdefault(a_index, [0.0, 0.0, 0])
        acc[0] += box.cx
        acc[1] += box.cy
        acc[2] += 1
    out: list[float | None] = []
    for a_index in range(agency_count):
        acc = sums.get(a_index)
        if acc is None or math.hypot(acc[0], acc[1]) / acc[2] < 1:
            out.append(None)
        else:
            out.append(math.atan2(acc[1], acc[0]))
    return out


# --- rendering -----------------------------------------------------------------------------------------------
def _summary(members, agencies, link_rows, household_label) -> tuple[str, str]:
    title = f"{household_label}: 世帯員{len(members)}人、関与機関{len(agencies)}"
    people = [
        f"{_clean(m.label)}（{_clean(m.sublabel)}）" if _clean(m.sublabel) else _clean(m.label)
        for m in members
    ]
    if any(m.highlight for m in members):
        people = [p + "【本人】" if m.highlight else p for p, m in zip(people, members, strict=True)]
    parts = ["世帯員: " + ("、".join(people) if people else "登録なし") + "。"]
    if not agencies:
        parts.append("関与機関: なし。")
    else:
        described = []
        for a_index, agency in enumerate(agencies):
            name = HIDDEN_AGENCY_LABEL if agency.hidden else _clean(agency.label)
            ties = [
                f"{_clean(members[m_index].label)}（{LINK_KINDS[kind][0]}）"
                for m_index, ai, kind in link_rows
                if ai == a_index
            ]
            described.append(f"{name} → " + ("、".join(ties) if ties else "世帯員との線なし"))
        parts.append("関与機関: " + "／".join(described) + "。")
    return title, " ".join(parts)


def _resolve_links(members, agencies, links) -> list[tuple[int, int, str]]:
    """(member index, agency index, kind) per distinct pair; unknown keys are skipped, the first link wins."""
    member_at: dict = {}
    for i, m in enumerate(members):
        member_at.setdefault(m.key, i)
    agency_at: dict = {}
    for i, a in enumerate(agencies):
        agency_at.setdefault(a.key, i)
    rows, seen = [], set()
    for link in links:
        try:
            pair = (member_at.get(link.member_key), agency_at.get(link.agency_key))
        except TypeError:  # an unhashable key
            continue
        if None in pair or pair in seen:
            continue
        seen.add(pair)
        rows.append((*pair, link.kind))
    return rows


def render_ecomap(
    members: Iterable[EcoMember],
    agencies: Iterable[EcoAgency],
    links: Iterable[EcoLink],
    *,
    household_label: str = "世帯",
    id_prefix: str = "ecomap",
) -> str:
    """The エコマップ of one household as an ``<svg>`` string (safe to insert into a page unescaped).

    ``household_label`` (「長野さん世帯」) heads the household box and the title; ``id_prefix`` keeps the
    ids of the title and description unique when a page shows several maps.
    """
    members, agencies = list(members), list(agencies)
    link_rows = _resolve_links(members, agencies, list(links))
    household_label = _clean(household_label) or "世帯"
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", str(id_prefix)) or "ecomap"
    if not prefix[0].isalpha():
        prefix = "ecomap-" + prefix

    house, member_boxes = _member_boxes(len(members))
    agency_boxes = _agency_boxes(len(agencies), house, _directions(len(agencies), member_boxes, link_rows))

    kinds_used = [k for k in LINK_KINDS if any(kind == k for _, _, kind in link_rows)]
    legend_items = [(LINK_KINDS[k][0], k) for k in kinds_used]
    if any(m.highlight for m in members):
        legend_items.append(("本人", "highlight"))
    if any(a.hidden for a in agencies):
        legend_items.append(("閲覧権限のない機関", "hidden"))
    legend_w = sum(44 + _text_width(label, 11) + 18 for label, _ in legend_items)

    every = [house, *agency_boxes]
    min_x = min(b.x for b in every) - MARGIN
    max_x = max(b.x + b.w for b in every) + MARGIN
    min_y = min(b.y for b in every) - MARGIN
    max_y = max(b.y + b.h for b in every) + MARGIN
    if legend_items:
        max_y += LEGEND_H
        if legend_w + 2 * MARGIN > max_x - min_x:
            extra = (legend_w + 2 * MARGIN - (max_x - min_x)) / 2
            min_x, max_x = min_x - extra, max_x + extra
    width, height = max_x - min_x, max_y - min_y

    title, desc = _summary(members, agencies, link_rows, household_label)
    out = [
        "<svg "
        + _attrs(
            xmlns="http://www.w3.org/2000/svg",
            viewBox=f"{_n(min_x)} {_n(min_y)} {_n(width)} {_n(height)}",
            role="img",
            aria_labelledby=f"{prefix}-title {prefix}-desc",
            class_="ecomap",
            font_family=FONT_FAMILY,
        )
        + ">",
        f'<title id="{prefix}-title">{escape(title, quote=False)}</title>',
        f'<desc id="{prefix}-desc">{escape(desc, quote=False)}</desc>',
        "<rect " + _attrs(x=min_x, y=min_y, width=width, height=height, fill="#ffffff") + "/>",
    ]

    # The household box, then the lines (over the box, under the members), then members and agencies.
    out.append('<g class="eco-household">')
    out.append(
        "<rect "
        + _attrs(
            x=house.x,
            y=house.y,
            width=house.w,
            height=house.h,
            rx=14,
            fill="#f2f5f8",
            stroke="#8a9bb0",
            stroke_width=1.5,
        )
        + "/>"
    )
    out.append(
        "<text "
        + _attrs(x=house.x + 12, y=house.y + 22, font_size=13, font_weight="bold", fill=MUTED)
        + f">{escape(_fit(household_label, 13, house.w - 24), quote=False)}</text>"
    )
    if not members:
        out.append(
            _text(house.cx, house.y + HOUSE_TOP + MEMBER_H / 2 + 4, "世帯員の登録なし", size=11, fill=MUTED)
        )
    out.append("</g>")

    out.append('<g class="eco-links">')
    for m_index, a_index, kind in link_rows:
        m_box, a_box = member_boxes[m_index], agency_boxes[a_index]
        x1, y1 = a_box.edge_towards(m_box.cx, m_box.cy)
        x2, y2 = m_box.edge_towards(a_box.cx, a_box.cy)
        _, colour, dash = LINK_KINDS[kind]
        out.append(
            "<line "
            + _attrs(
                class_=f"eco-link eco-link-{kind}",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                stroke=colour,
                stroke_width=2 if kind == "involved" else 1.8,
                stroke_dasharray=dash,
                stroke_linecap="round" if kind == "weak" else None,
            )
            + "/>"
        )
    out.append("</g>")

    for member, box in zip(members, member_boxes, strict=True):
        label, sublabel = _clean(member.label), _clean(member.sublabel)
        full = f"{label}（{sublabel}）" if sublabel else label
        out.append("<g " + _attrs(class_="eco-member", data_key=_clean(member.key)) + ">")
        out.append(f"<title>{escape(full + ('【本人】' if member.highlight else ''), quote=False)}</title>")
        out.append(
            "<rect "
            + _attrs(
                x=box.x,
                y=box.y,
                width=box.w,
                height=box.h,
                rx=8,
                fill="#fff6e0" if member.highlight else "#ffffff",
                stroke="#b35600" if member.highlight else "#5b7089",
                stroke_width=3 if member.highlight else 1.2,
            )
            + "/>"
        )
        if sublabel:
            out.append(_text(box.cx, box.y + 23, _fit(label, 14, box.w - 14), size=14, bold=True))
            out.append(_text(box.cx, box.y + 42, _fit(sublabel, 11, box.w - 12), size=11, fill=MUTED))
        else:
            out.append(_text(box.cx, box.cy + 5, _fit(label, 14, box.w - 14), size=14, bold=True))
        out.append("</g>")

    for agency, box in zip(agencies, agency_boxes, strict=True):
        if agency.hidden:
            out.append('<g class="eco-agency eco-agency-hidden">')
            out.append(f"<title>{HIDDEN_AGENCY_LABEL}</title>")
            out.append(
                "<rect "
                + _attrs(
                    x=box.x,
                    y=box.y,
                    width=box.w,
                    height=box.h,
                    rx=box.h / 2,
                    fill="#f5f5f5",
                    stroke="#7b7b7b",
                    stroke_width=1.4,
                    stroke_dasharray="6 4",
                )
                + "/>"
            )
            out.append(_text(box.cx, box.y + 21, "他機関", size=12.5, fill=MUTED, bold=True))
            out.append(_text(box.cx, box.y + 38, "（詳細は閲覧権限なし）", size=10.5, fill=MUTED))
        else:
            label = _clean(agency.label)
            out.append("<g " + _attrs(class_="eco-agency", data_key=_clean(agency.key)) + ">")
            out.append(f"<title>{escape(label, quote=False)}</title>")
            out.append(
                "<rect "
                + _attrs(
                    x=box.x,
                    y=box.y,
                    width=box.w,
                    height=box.h,
                    rx=box.h / 2,
                    fill="#e8f1fb",
                    stroke="#2c5d8f",
                    stroke_width=1.6,
                )
                + "/>"
            )
            lines = _wrap(label, 12.5, box.w - 26, 2)
            first_y = box.cy + 4.5 - (len(lines) - 1) * 8
            for i, line in enumerate(lines):
                out.append(_text(box.cx, first_y + i * 16, line, size=12.5))
        out.append("</g>")

    if legend_items:
        out.append('<g class="eco-legend">')
        x, y = min_x + MARGIN, max_y - MARGIN - 6
        for label, kind in legend_items:
            if kind in LINK_KINDS:
                _, colour, dash = LINK_KINDS[kind]
                out.append(
                    "<line "
                    + _attrs(
                        x1=x,
                        y1=y - 4,
                        x2=x + 34,
                        y2=y - 4,
                        stroke=colour,
                        stroke_width=2,
                        stroke_dasharray=dash,
                    )
                    + "/>"
                )
            elif kind == "highlight":
                out.append(
                    "<rect "
                    + _attrs(
                        x=x + 4,
                        y=y - 12,
                        width=26,
                        height=16,
                        rx=4,
                        fill="#fff6e0",
                        stroke="#b35600",
                        stroke_width=2.5,
                    )
                    + "/>"
                )
            else:
                out.append(
                    "<rect "
                    + _attrs(
                        x=x + 4,
                        y=y - 12,
                        width=26,
                        height=16,
                        rx=8,
                        fill="#f5f5f5",
                        stroke="#7b7b7b",
                        stroke_width=1.4,
                        stroke_dasharray="4 3",
                    )
                    + "/>"
                )
            out.append(
                "<text "
                + _attrs(x=x + 42, y=y, font_size=11, fill=MUTED)
                + f">{escape(label, quote=False)}</text>"
            )
            x += 44 + _text_width(label, 11) + 18
        out.append("</g>")

    out.append("</svg>")
    return "\n".join(out)
