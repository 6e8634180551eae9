"""Small server-side SVG charts for the PDFs (WeasyPrint draws inline SVG): bars, horizontal bars and lines.

Pure Python, no external files: every chart is one `<svg>` element with its text escaped, ready to be
embedded in a template (`{{ chart }}`; the result is marked safe only after every label was escaped).
A value of None (a count suppressed by 秘匿処理, 「*」) is not drawn; an empty chart draws its frame and
「データがありません」. Japanese text uses the PDF's font family, passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2c5d8f", "#e08a2c", "#4b9a5b", "#a3476b", "#6b6b9a", "#8c8c3a")
AXIS = "#555"
GRID = "#d5d9de"
EMPTY_LABEL = "データがありません"

Number = int | float | None


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


TICKS = 4


def nice_max(value: float, ticks: int = TICKS) -> int:
    """The top of the value axis for counts: `ticks` whole steps of 1, 2 or 5 × 10ⁿ reaching `value`
    (4 for nothing, so that an empty chart still has its scale)."""
    needed = max(value or 0, 0) / ticks
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= needed:
                return step * magnitude * ticks
        magnitude *= 10


def _ticks(top: float, count: int = TICKS) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def _tick_label(value: float) -> str:
    return str(int(value)) if value == int(value) else _num(value)


def _values(values: Sequence) -> list[Number]:
    """Counts as numbers; anything else (「*」, None, text) as None, i.e. not drawn."""
    return [v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values]


def _max(series: Sequence[tuple[str, Sequence]]) -> float:
    return max((v for _, values in series for v in _values(values) if v is not None), default=0)


class _Svg:
    def __init__(self, width: int, height: int, title: str, font_family: str):
        self.width, self.height = width, height
        self.parts: list[str] = []
        self.title = title
        self.font_family = font_family

    def add(self, part: str) -> None:
        self.parts.append(part)

    def text(self, x, y, label, *, size=9, anchor="start", fill="#222", weight="normal", baseline="") -> None:
        base = f' dominant-baseline="{baseline}"' if baseline else ""
        self.add(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"'
            f' font-weight="{weight}"{base}>{escape(str(label))}</text>'
        )

    def rect(self, x, y, w, h, fill, *, css_class="bar", label="") -> None:
        title = f"<title>{escape(label)}</title>" if label else ""
        self.add(
            f'<rect class="{css_class}" x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}"'
            f' height="{_num(max(h, 0))}" fill="{fill}">{title}</rect>'
        )

    def line(self, x1, y1, x2, y2, stroke=AXIS, width=0.8) -> None:
        self.add(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{stroke}"'
            f' stroke-width="{_num(width)}"/>'
        )

    def render(self) -> SafeString:
        font = f' font-family="{_attr(self.font_family)}"' if self.font_family else ""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{self.width}" height="{self.height}"'
            f' viewBox="0 0 {self.width} {self.height}" role="img" aria-label="{_attr(self.title)}"{font}>'
            f"<title>{escape(self.title)}</title>"
        )
        # Every piece of text above went through html.escape: the whole is safe to embed.
        return mark_safe(head + "".join(self.parts) + "</svg>")  # noqa: S308


def _legend(svg: _Svg, names: Sequence[str], x: float, y: float) -> None:
    for i, name in enumerate(names):
        svg.rect(x, y - 7, 9, 9, PALETTE[i % len(PALETTE)], css_class="legend")
        svg.text(x + 12, y + 1, name, size=8.5)
        x += 22 + 9 * len(str(name))


def _value_axis(svg: _Svg, top: float, left: float, right: float, y0: float, y1: float) -> None:
    """Horizontal grid lines and tick labels for a vertical value axis from y0 (zero) up to y1 (top)."""
    for tick in _ticks(top):
        y = y0 - (y0 - y1) * tick / top
        svg.line(left, y, right, y, GRID if tick else AXIS, 0.5 if tick else 0.8)
        svg.text(left - 4, y + 3, _tick_label(tick), size=8, anchor="end", fill=AXIS)


def bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence]], *, title: str = "",
              width: int = 520, height: int = 220, font_family: str = "") -> SafeString:  # fmt: skip
    """Vertical bars: one group per category (e.g. 4月 … 3月), one bar per series; heights proportional."""
    svg = _Svg(width, height, title, font_family)
    left, right, top_y, bottom_y = 40, width - 10, 22 if len(series) > 1 else 10, height - 22
    if len(series) > 1:
        _legend(svg, [name for name, _ in series], left, 12)
    top = nice_max(_max(series))
    _value_axis(svg, top, left, right, bottom_y, top_y)
    if not categories or not any(v is not None for _, values in series for v in _values(values)):
        svg.text((left + right) / 2, (top_y + bottom_y) / 2, EMPTY_LABEL, size=10, anchor="middle", fill=AXIS)
    slot = (right - left) / max(len(categories), 1)
    bar_w = slot * 0.75 / max(len(series), 1)
    for c, category in enumerate(categories):
        x0 = left + slot * c + slot * 0.125
        for s, (name, values) in enumerate(series):
            values = _values(values)
            value = values[c] if c < len(values) else None
            if value is None or value <= 0:
                continue
            h = (bottom_y - top_y) * value / top
            svg.rect(x0 + bar_w * s, bottom_y - h, bar_w, h, PALETTE[s % len(PALETTE)],
                     label=f"{category} {name}: {_tick_label(value)}")  # fmt: skip
        svg.text(left + slot * (c + 0.5), bottom_y + 13, category, size=8, anchor="middle")
    return svg.render()


def hbar_chart(labels: Sequence[str], values: Sequence, *, title: str = "", width: int = 520,
               bar_height: int = 11, label_width: int = 170, font_family: str = "") -> SafeString:  # fmt: skip
    """Horizontal bars for long Japanese labels (課題別, 段階別): one row per label, the value at the bar's end."""
    rows = max(len(labels), 1)
    height = 20 + rows * (bar_height + 4) + 8
    svg = _Svg(width, height, title, font_family)
    left, right, top_y = label_width, width - 40, 6
    bottom_y = top_y + rows * (bar_height + 4)
    numbers = _values(values)
    top = nice_max(max((v for v in numbers if v is not None), default=0))
    for tick in _ticks(top):
        x = left + (right - left) * tick / top
        svg.line(x, top_y, x, bottom_y, GRID if tick else AXIS, 0.5 if tick else 0.8)
        svg.text(x, bottom_y + 11, _tick_label(tick), size=8, anchor="middle", fill=AXIS)
    if not labels:
        svg.text((left + right) / 2, top_y + bar_height, EMPTY_LABEL, size=10, anchor="middle", fill=AXIS)
    for i, label in enumerate(labels):
        y = top_y + 3 + i * (bar_height + 4)
        svg.text(left - 5, y + bar_height * 0.8, label, size=8.5, anchor="end")
        raw = values[i] if i < len(values) else None
        value = numbers[i] if i < len(numbers) else None
        w = (right - left) * value / top if value else 0
        if w:
            svg.rect(left, y, w, bar_height, PALETTE[0], label=f"{label}: {_tick_label(value)}")
        shown = "" if raw is None else (_tick_label(raw) if value is not None else str(raw))
        svg.text(left + w + 4, y + bar_height * 0.8, shown, size=8.5)
    return svg.render()


def line_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence]], *, title: str = "",
               width: int = 520, height: int = 220, font_family: str = "") -> SafeString:  # fmt: skip
    """Lines with markers, one per series; a None (suppressed) value breaks the line."""
    svg = _Svg(width, height, title, font_family)
    left, right, top_y, bottom_y = 40, width - 10, 22 if len(series) > 1 else 10, height - 22
    if len(series) > 1:
        _legend(svg, [name for name, _ in series], left, 12)
    top = nice_max(_max(series))
    _value_axis(svg, top, left, right, bottom_y, top_y)
    if not categories or not any(v is not None for _, values in series for v in _values(values)):
        svg.text((left + right) / 2, (top_y + bottom_y) / 2, EMPTY_LABEL, size=10, anchor="middle", fill=AXIS)
    slot = (right - left) / max(len(categories), 1)
    for s, (_name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points: list[tuple[float, float] | None] = []
        for c, value in enumerate(_values(values)[: len(categories)]):
            if value is None:
                points.append(None)
                continue
            points.append((left + slot * (c + 0.5), bottom_y - (bottom_y - top_y) * value / top))
        run: list[tuple[float, float]] = []
        for point in [*points, None]:
            if point is not None:
                run.append(point)
                continue
            if len(run) > 1:
                coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                svg.add(
                    f'<polyline class="line" points="{coords}" fill="none" stroke="{color}" stroke-width="1.6"/>'
                )
            run = []
        for point in points:
            if point is not None:
                svg.add(
                    f'<circle class="point" cx="{_num(point[0])}" cy="{_num(point[1])}" r="2.2" fill="{color}"/>'
                )
    for c, category in enumerate(categories):
        svg.text(left + slot * (c + 0.5), bottom_y + 13, category, size=8, anchor="middle")
    return svg.render()
