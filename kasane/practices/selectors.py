"""Reads of the practice library: search with filters, one report, the export, and the most similar reports.

The library is public data (no tenant, nothing personal): any signed-in staff member of a municipality reads
it (`practices.view`); reads are not access-logged, like the agency directory.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kasane.core import policy
from kasane.core.text import normalize_for_search
from kasane.core.validators import MAX_DB_ID

from . import parser
from .models import FIGURE_LABELS, Figure, OwnFigures, Report

MAX_TERMS = 8
# 人口の規模 (filter): label → [low, high)
POPULATION_BANDS = {
    "u10k": ("1万人未満", 0, 10_000),
    "10k": ("1万〜5万人", 10_000, 50_000),
    "50k": ("5万〜20万人", 50_000, 200_000),
    "200k": ("20万〜50万人", 200_000, 500_000),
    "500k": ("50万人以上", 500_000, None),
}


def require_view(user) -> None:
    policy.require_capability(user, "practices.view")


def query_terms(query: str) -> list[str]:
    """Whitespace-separated terms (full-width spaces too), each folded like the search column."""
    text = (query or "").replace("\x00", "").replace("\u3000", " ")
    terms = [normalize_for_search(t) for t in text.split()[:MAX_TERMS]]
    return [t for t in terms if t]


def report_search(*, user, query: str = "", prefecture: str = "", band: str = "", aging_min=None,
                  aging_max=None, projects: list[str] | None = None) -> QuerySet:  # fmt: skip
    """Reports matching every term (AND) and every filter; a report without the figure a filter needs is left out."""
    require_view(user)
    qs = Report.objects.all()
    for term in query_terms(query):
        qs = qs.filter(search_text__contains=term)
    if prefecture:
        qs = qs.filter(prefecture=prefecture)
    if band in POPULATION_BANDS:
        _label, low, high = POPULATION_BANDS[band]
        qs = qs.filter(population__gte=low)
        if high is not None:
            qs = qs.filter(population__lt=high)
    if aging_min is not None:
        qs = qs.filter(aging_rate__gte=aging_min)
    if aging_max is not None:
        qs = qs.filter(aging_rate__lte=aging_max)
    for project in projects or []:
        if project in parser.PROJECT_LABELS:
            qs = qs.filter(**{f"runs_{project}": True})
    return qs


def prefectures() -> list[str]:
    # in the file's order (north to south); DISTINCT with that ORDER BY would keep duplicates
    return _unique(Report.objects.order_by("ordinal").values_list("prefecture", flat=True))


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def report_get(*, user, pk) -> Report:
    require_view(user)
    if not 0 < int(pk) <= MAX_DB_ID:  # an id no database holds is missing, not a database error
        raise Http404
    qs = Report.objects.prefetch_related(
        "sections",
        "targets",
        "achievements",
        Prefetch("figures", queryset=Figure.objects.order_by("town", "pk")),
    )
    return get_object_or_404(qs, pk=pk)


# --- highlighting and display ---------------------------------------------------------------------------------


def _folded_with_index(text: str) -> tuple[str, list[int]]:
    """The search folding of `text` character by character, with each folded character's index in `text`."""
    folded, index = [], []
    for i, ch in enumerate(text):
        for f in normalize_for_search(ch):
            folded.append(f)
            index.append(i)
    return "".join(folded), index


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a term (folded the search's way) wrapped in <mark>."""
    if not terms:
        return escape(text)
    folded, index = _folded_with_index(text)
    spans = []
    for term in terms:
        for m in re.finditer(re.escape(term), folded):
            spans.append((index[m.start()], index[m.end() - 1] + 1))
    if not spans:
        return escape(text)
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def snippets(report: Report, terms: list[str], limit: int = 3, width: int = 60) -> list[SafeString]:
    """Up to `limit` short passages of the report around the terms, highlighted."""
    if not terms:
        return []
    found = []
    for section in report.sections.all():
        for raw in section.text.split("\n"):
            line = parser.plain(raw)
            if not any(t in normalize_for_search(line) for t in terms):
                continue
            folded, index = _folded_with_index(line)
            hits = [folded.find(t) for t in terms if t in folded]
            if not hits:
                continue
            start = index[min(hits)]
            begin = max(0, start - width // 2)
            piece = (
                ("…" if begin else "")
                + line[begin : begin + width]
                + ("…" if begin + width < len(line) else "")
            )
            found.append(highlight(piece, terms))
            if len(found) >= limit:
                return found
    return found


def render_section(text: str, first_line: int, terms: list[str] | None = None) -> SafeString:
    """A section's original lines as clean HTML: one row per line, tab-separated cells side by side, the HTML the
    PDF conversion left (paragraphs, list items, table rows) turned into line breaks, each row with its line number."""
    rows = []
    for n, raw in enumerate(text.split("\n")):
        if not raw.strip():
            continue
        parts = []
        for seg in parser.segments(raw):
            cells = [c for c in seg.split("\t") if c.strip()]
            if len(cells) > 1:
                parts.append(
                    '<div class="cells">'
                    + "".join(f"<span>{highlight(c, terms or [])}</span>" for c in cells)
                    + "</div>"
                )
            elif cells:
                parts.append(f"<p>{highlight(cells[0], terms or [])}</p>")
        if parts:
            rows.append(f'<div class="src-line"><span class="lineno">{first_line + n}</span>'
                        f'<div class="src-body">{"".join(parts)}</div></div>')  # fmt: skip
    return mark_safe("".join(rows))


def figure_table(report: Report) -> tuple[list[dict], list[dict]]:
    """The report's figures in the form's order and each town's, as display rows."""
    own, towns = [], {}
    for figure in report.figures.all():
        row = {"label": FIGURE_LABELS[figure.key], "figure": figure}
        if figure.town:
            towns.setdefault(figure.town, []).append(row)
        else:
            own.append(row)
    order = list(FIGURE_LABELS)
    own.sort(key=lambda r: order.index(r["figure"].key))
    return own, [{"name": name, "rows": rows} for name, rows in towns.items()]


def side_by_side(report: Report) -> list[dict]:
    """Per project the report runs (or wrote about): its targets beside what it reported as achieved."""
    targets = list(report.targets.all())
    achievements = list(report.achievements.all())
    keys = _unique([t.project for t in targets] + [a.project for a in achievements if a.project])
    rows = []
    for key in keys:
        rows.append({
            "project": parser.PROJECT_LABELS.get(key, "事業全体"),
            "targets": [t for t in targets if t.project == key],
            "achievements": [a for a in achievements if a.project == key],
        })  # fmt: skip
    general = [a for a in achievements if not a.project]
    if general:
        if len(rows) == 1 and not rows[0]["achievements"]:
            rows[0]["achievements"] = general
        else:
            rows.append({"project": "事業全体", "targets": [], "achievements": general})
    return rows


# --- export ---------------------------------------------------------------------------------------------------


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def _figure_dict(figure: Figure) -> dict:
    return {"value": _number(figure.value), "unit": figure.unit, "raw": figure.raw, "line": figure.line}


def export_data() -> list[dict]:
    """One object per report, numbers as numbers, each value with its source line (docs/PRACTICES.md)."""
    reports = Report.objects.prefetch_related("figures", "targets", "achievements", "sections")
    result = []
    for r in reports:
        figures = [f for f in r.figures.all()]
        towns: dict[str, dict] = {}
        for f in figures:
            if f.town:
                towns.setdefault(f.town, {})[f.key] = _figure_dict(f)
        result.append({
            "ordinal": r.ordinal,
            "heading": r.heading,
            "heading_line": r.heading_line,
            "prefecture": r.prefecture,
            "municipality": r.municipality or None,
            "is_prefectural": r.is_prefectural,
            "projects": r.projects,
            "projects_line": r.projects_line,
            "section": r.section_name or None,
            "section_line": r.section_line,
            "figures": {f.key: _figure_dict(f) for f in figures if not f.town},
            "towns": [{"name": name, "figures": values} for name, values in towns.items()],
            "coordinators_planned": {"value": r.coordinators, "raw": r.coordinators_text or None,
                                     "line": r.coordinators_line},
            "targets": [{"project": t.project, "part": t.part or None, "text": t.text, "line": t.line}
                        for t in r.targets.all()],
            "achievements": [{"project": a.project or None, "text": a.text, "line": a.line}
                             for a in r.achievements.all()],
            "sections": [{"title": s.title, "line": s.line, "text": s.text} for s in r.sections.all()],
        })  # fmt: skip
    return result


# --- peers ----------------------------------------------------------------------------------------------------


def own_figures(*, user) -> OwnFigures | None:
    require_view(user)
    return OwnFigures.objects.filter(municipality_id=user.municipality_id).first()


@dataclass
class Peer:
    report: Report
    distance: float
    targets: list = field(default_factory=list)


def _features(population, households, aging_rate) -> tuple[float, float, float]:
    return (math.log10(population), math.log10(households), float(aging_rate))


def peers(*, user, figures: OwnFigures, limit: int = 5) -> list[Peer]:
    """The municipal reports nearest to the own figures: Euclidean distance on log10 人口, log10 世帯数 and
    高齢化率 (%), each divided by its standard deviation over the library (prefectural reports are left out)."""
    require_view(user)
    candidates = list(
        Report.objects.filter(
            is_prefectural=False, population__gt=0, households__gt=0, aging_rate__isnull=False
        ).prefetch_related("targets", "achievements")
    )
    if not candidates:
        return []
    vectors = [_features(r.population, r.households, r.aging_rate) for r in candidates]
    spreads = []
    for k in range(3):
        values = [v[k] for v in vectors]
        mean = sum(values) / len(values)
        spreads.append(math.sqrt(sum((x - mean) ** 2 for x in values) / len(values)) or 1.0)
    own = _features(figures.population, figures.households, figures.aging_rate)
    scored = [
        Peer(r, math.sqrt(sum(((own[k] - v[k]) / spreads[k]) ** 2 for k in range(3))), list(r.targets.all()))
        for r, v in zip(candidates, vectors, strict=True)
    ]
    return sorted(scored, key=lambda p: (p.distance, p.report.ordinal))[:limit]


# Themes to line up the own outcome targets with the peers' (a target belongs to every theme it mentions).
THEMES = {
    "相談": ("相談",),
    "会議・事例検討": ("会議", "事例検討", "ケース検討"),
    "プラン・支援": ("プラン", "支援件数", "対応件数", "終結"),
    "参加・居場所": ("参加", "居場所", "通いの場", "サロン", "拠点"),
    "就労": ("就労", "雇用", "協力企業"),
    "研修・養成": ("研修", "講座", "養成", "サポーター"),
    "訪問・アウトリーチ": ("訪問", "アウトリーチ", "ひきこもり"),
}


def themes_of(text: str) -> list[str]:
    return [name for name, words in THEMES.items() if any(w in text for w in words)]


def theme_counts(texts: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(THEMES, 0)
    for text in texts:
        for name in themes_of(text):
            counts[name] += 1
    return counts


def library_has_reports() -> bool:
    return Report.objects.exists()
