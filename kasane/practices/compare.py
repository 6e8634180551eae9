"""The comparison page's content: the own figures, the most similar reports, the own outcome targets and yearly
statistics beside the peers' targets and results, and two charts.

The own targets and statistics are read through the evaluation app's selectors (read-only), which apply the
same access rules and 秘匿処理 as the evaluation pages.
"""

from __future__ import annotations

from django.utils import timezone

from kasane.core import wareki
from kasane.evaluation import charts, statistics
from kasane.evaluation import selectors as evaluation_selectors

from . import selectors

# The yearly statistics shown beside the peers' targets (figure keys of evaluation.statistics).
STAT_FIGURES = (
    "consultations_real",
    "consultations_all",
    "plans_made",
    "meetings_plan",
    "meetings_confidential",
    "outreach_persons",
    "participation_persons",
)


def _year(user, requested) -> int:
    years = evaluation_selectors.target_years(user=user)
    try:
        year = int(requested)
    except (TypeError, ValueError):
        year = None
    if year is not None and 2000 <= year <= 2100:
        return year
    return years[0] if years else wareki.fiscal_year(timezone.localdate())


def _own_statistics(user, year: int) -> list[tuple[str, object]] | None:
    """A few whole-municipality figures of the 年度 (None for staff who only see their own counter's)."""
    access = statistics.access_for(user)
    if access is None or not access.whole_municipality:
        return None
    stats = statistics.statistics_for(user=user, fiscal_year=year)
    rows = {r.key: r for r in stats.rows if r.level == 0}
    return [(rows[k].label, rows[k].total) for k in STAT_FIGURES if k in rows]


def compare_context(*, user, year=None) -> dict:
    selectors.require_view(user)
    own = selectors.own_figures(user=user)
    fiscal_year = _year(user, year)
    target_rows = evaluation_selectors.target_rows(user=user, year=fiscal_year)
    context = {
        "own": own,
        "fiscal_year": fiscal_year,
        "target_rows": target_rows,
        "own_statistics": _own_statistics(user, fiscal_year),
        "peers": [],
        "library_empty": not selectors.library_has_reports(),
    }
    if own is None:
        return context
    peers = selectors.peers(user=user, figures=own)
    name = str(user.municipality)
    labels = [f"{name}（自市町村）"] + [p.report.name for p in peers]
    context["peers"] = peers
    context["population_chart"] = charts.hbar_chart(
        labels,
        [own.population] + [p.report.population for p in peers],
        title="人口（人）",
        width=380,
        label_width=150,
    )
    context["aging_chart"] = charts.hbar_chart(
        labels, [float(own.aging_rate)] + [float(p.report.aging_rate) for p in peers], title="高齢化率（%）",
        width=380,
        label_width=150,
    )  # fmt: skip
    own_texts = [row.target.item for row in target_rows]
    peer_texts = [t.text for p in peers for t in p.targets]
    own_counts = selectors.theme_counts(own_texts)
    peer_counts = selectors.theme_counts(peer_texts)
    context["themes"] = [
        {"theme": theme, "own": own_counts[theme], "peers": peer_counts[theme]} for theme in selectors.THEMES
    ]
    context["theme_chart"] = charts.bar_chart(
        list(selectors.THEMES),
        [("自市町村の成果目標", [own_counts[t] for t in selectors.THEMES]),
         ("似た自治体の成果目標", [peer_counts[t] for t in selectors.THEMES])],
        title="成果目標のテーマ（件数）",
    )  # fmt: skip
    return context
