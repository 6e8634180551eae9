"""Pages of the yearly statistics (実績統計) and the dashboard: numbers only, counted by `statistics`.

Who gets what is decided in `statistics.access_for`: evaluators and staff who cannot see records get
秘匿処理 and no links; casework staff get links to the record lists, which show only what policy lets them see.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kasane.cases.lifecycle import STATE_LABELS, State
from kasane.core import audit
from kasane.core.pdf import font_family_css, pdf_response, render_pdf
from kasane.core.spreadsheets import XLSX_TYPE, download_response
from kasane.core.wareki import WarekiError, fiscal_year, format_fiscal_year, parse_fiscal_year

from . import charts, statistics

EXPORTS = {
    "xlsx": ("xlsx", "utf-8-sig", XLSX_TYPE, "xlsx"),
    "csv": ("csv", "utf-8-sig", "text/csv; charset=utf-8", "csv"),
    "csv_cp932": ("csv", "cp932", "text/csv; charset=shift_jis", "csv"),
}


def _access(request) -> statistics.Access:
    access = statistics.access_for(request.user)
    if access is None:
        raise PermissionDenied("実績統計を見る権限がありません。")
    return access


def _year(request) -> tuple[int, str]:
    """The 年度 asked for (2024, 令和6年度 …) or the current one, with an error message for bad input."""
    current = fiscal_year(timezone.localdate())
    text = (request.GET.get("fiscal_year") or "").strip()
    if not text:
        return current, ""
    try:
        return parse_fiscal_year(text), ""
    except WarekiError as exc:
        return current, str(exc)


def _year_choices(selected: int) -> list[tuple[int, str]]:
    current = fiscal_year(timezone.localdate())
    years = sorted({*range(current - 5, current + 1), selected}, reverse=True)
    return [(fy, format_fiscal_year(fy)) for fy in years]


@login_required
def stats_page(request):
    _access(request)
    fy, error = _year(request)
    result = statistics.statistics_for(user=request.user, fiscal_year=fy)
    context = {
        "stats": result,
        "fiscal_year": fy,
        "error": error,
        "years": _year_choices(fy),
        "months": statistics.MONTH_LABELS,
        "below": request.user.municipality.stats_suppression_below,
    }
    return render(request, "evaluation/stats.html", context, status=400 if error else 200)


@login_required
def stats_records(request, figure: str):
    """The records behind one figure in the 年度 or one month of it, for staff with links (casework); each
    opens on its own page, where the policy decides again. Evaluators get 403: numbers only."""
    if figure not in statistics.RECORDS:
        raise Http404
    fy, error = _year(request)
    text = (request.GET.get("month") or "").strip()
    month = None
    if text:
        month = int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= 12 else None  # not '²'
        if month is None:
            error = error or "月は1〜12の数字で指定してください。"
    records = statistics.records_behind(user=request.user, figure=figure, fiscal_year=fy, month=month)
    figure_label = statistics.FIGURES_BY_KEY[figure].label
    rows = [] if error else list(records[:500])
    if rows:
        model = type(rows[0])
        audit.record_many(user=request.user, action=audit.Action.LIST, objects=rows, model=model,
                          detail=f"実績統計 {format_fiscal_year(fy)} {figure_label}")  # fmt: skip
    context = {
        "figure": figure,
        "figure_label": figure_label,
        "fiscal_year": fy,
        "fiscal_label": format_fiscal_year(fy),
        "month": month,
        "error": error,
        "records": [(str(r), statistics.record_link(figure, r)) for r in rows],
        "truncated": len(rows) == 500,
    }
    return render(request, "evaluation/stats_records.html", context, status=400 if error else 200)


@login_required
def stats_export(request, fmt: str):
    if fmt not in EXPORTS:
        raise Http404
    _access(request)
    fy, error = _year(request)
    if error:
        return render(
            request, "evaluation/stats.html", {"error": error, "years": _year_choices(fy)}, status=400
        )
    result = statistics.statistics_for(user=request.user, fiscal_year=fy)
    kind, encoding, content_type, ext = EXPORTS[fmt]
    data = statistics.export_bytes(result, kind, encoding=encoding)
    return download_response(data, statistics.export_filename(result, ext), content_type)


@login_required
def stats_print(request):
    """The 年度's statistics as an A4 (landscape) PDF for the council: the page's figures (same code path, same
    秘匿処理) by section with monthly columns, and SVG charts drawn on the server (suppressed counts not drawn)."""
    access = _access(request)
    fy, error = _year(request)
    if error:
        return render(
            request, "evaluation/stats.html", {"error": error, "years": _year_choices(fy)}, status=400
        )
    user = request.user
    result = statistics.statistics_for(user=user, fiscal_year=fy)
    period = statistics.Period(user.municipality_id, fy, access.counter)
    below = user.municipality.stats_suppression_below if access.suppress else 0
    by_state = statistics.open_cases_by_state(period)
    states = [(STATE_LABELS[s], statistics.suppress_value(by_state.get(s.value, 0), below))
              for s in State if s != State.CLOSED]  # fmt: skip
    problems = [r for r in result.rows if r.figure == "consultations_by_problem" and r.level]
    font = font_family_css()
    real, total = result.row("consultations_real"), result.row("consultations_all")
    chart_list = [
        ("相談件数の月別推移（実数・のべ）", charts.line_chart(
            statistics.MONTH_LABELS, [("実数", real.months), ("のべ", total.months)],
            title="相談件数の月別推移", width=500, height=190, font_family=font)),
        ("課題別の新規相談（実数・複数回答）", charts.hbar_chart(
            [r.label for r in problems], [r.total for r in problems], title="課題別の新規相談",
            width=500, font_family=font)),
        ("つなぎ・事例・会議（月別）", charts.bar_chart(
            statistics.MONTH_LABELS,
            [(result.row(k).label.split("（")[0], result.row(k).months)
             for k in ("referrals_made", "cases_opened", "meetings_plan")],
            title="つなぎ・事例・会議の月別件数", width=500, height=190, font_family=font)),
        ("支援中の事例（段階別・印刷時点）", charts.hbar_chart(
            [label for label, _ in states], [value for _, value in states], title="支援中の事例の段階別件数",
            width=500, font_family=font)),
    ]  # fmt: skip
    trend = _trend(result, period, below)
    trend_chart = charts.bar_chart(
        [t[0] for t in trend],
        [("実数", [t[1] for t in trend]), ("のべ", [t[2] for t in trend])],
        title="相談件数の年度別推移",
        width=500,
        height=190,
        font_family=font,
    )
    audit.record(user=user, action=audit.Action.PRINT, obj=user.municipality,
                 detail=f"実績統計 {result.fiscal_label}{'（秘匿処理）' if result.suppressed else ''}")  # fmt: skip
    pdf = render_pdf(
        "evaluation/stats_print.html",
        {
            "stats": result,
            "months": statistics.MONTH_LABELS,
            "below": user.municipality.stats_suppression_below,
            "charts": chart_list,
            "trend": trend,
            "trend_chart": trend_chart,
            "overdue": statistics.suppress_value(statistics.overdue_now(period), below),
            "targets": _targets(request, access, fy) if access.whole_municipality else None,
            "printed_on": timezone.localdate(),
        },
    )
    return pdf_response(pdf, f"実績統計_{result.fiscal_label}.pdf")


def _trend(result, period, below) -> list[tuple]:
    """(年度, 実数, のべ) of the last years; for a suppressed reader every 年度 as in its own suppressed table
    (after 二次秘匿, a 年度計 may be hidden although not small)."""
    return [(format_fiscal_year(y), real, all_)
            for y, real, all_ in statistics.yearly_trend(period, suppress=result.suppressed)]  # fmt: skip


def _chart_value(value):
    return None if value == statistics.SUPPRESSED else value


def _targets(request, access, fy) -> list[dict]:
    """成果目標 vs 実績 for the 年度 (the other half of this app); suppressed like every other figure."""
    from . import selectors

    below = request.user.municipality.stats_suppression_below
    rows = []
    for row in selectors.target_rows(user=request.user, year=fy):
        actual = row.actual
        if getattr(row, "suppressed", False):
            actual = "*"  # 秘匿処理 by the selector: shown as in every other suppressed figure
        elif actual is not None and access.suppress and actual == int(actual):
            actual = statistics.suppress_value(int(actual), below)
        rows.append({"label": row.target.item, "project": row.target.get_project_display(),
                     "target": row.target.number, "unit": row.target.unit, "actual": actual,
                     "achieved": row.achieved, "comparison": row.target.get_comparison_display()})  # fmt: skip
    return rows


@login_required
def dashboard(request):
    access = _access(request)
    fy, error = _year(request)
    user = request.user
    result = statistics.statistics_for(user=user, fiscal_year=fy)
    period = statistics.Period(user.municipality_id, fy, access.counter)
    below = user.municipality.stats_suppression_below if access.suppress else 0

    def shown(value):
        return statistics.suppress_value(value, below)

    by_state = statistics.open_cases_by_state(period)
    open_cases = [
        {"label": STATE_LABELS[s], "value": shown(by_state.get(s.value, 0)),
         "link": f"{reverse('cases:case_list')}?state={s.value}" if access.links else ""}
        for s in State if s != State.CLOSED
    ]  # fmt: skip
    trend = _trend(result, period, below)
    problems = [r for r in result.rows if r.figure == "consultations_by_problem" and r.level]
    agencies = [r for r in result.rows if r.figure == "consultations_by_agency" and r.level and r.total != 0]
    chart_data = {
        "months": statistics.MONTH_LABELS,
        "monthly": {
            "real": [_chart_value(v) for v in result.row("consultations_real").months],
            "all": [_chart_value(v) for v in result.row("consultations_all").months],
        },
        "trend": {"labels": [t[0] for t in trend], "real": [_chart_value(t[1]) for t in trend],
                  "all": [_chart_value(t[2]) for t in trend]},
        "problems": {"labels": [r.label for r in problems], "values": [_chart_value(r.total) for r in problems]},
        "agencies": {"labels": [r.label for r in agencies], "values": [_chart_value(r.total) for r in agencies]},
        "states": {"labels": [c["label"] for c in open_cases], "values": [_chart_value(c["value"]) for c in open_cases]},
    }  # fmt: skip
    context = {
        "stats": result,
        "fiscal_year": fy,
        "error": error,
        "years": _year_choices(fy),
        "access": access,
        "chart_data": chart_data,
        "trend": trend,
        "problems": problems,
        "agencies": agencies,
        "open_cases": open_cases,
        "overdue": shown(statistics.overdue_now(period)),
        "overdue_link": reverse("intake:referral_inbox") if access.links else "",
        "targets": _targets(request, access, fy) if access.whole_municipality else [],
        "key_rows": [result.row(k) for k in ("consultations_real", "consultations_all", "referrals_made",
                                               "cases_opened", "plans_made", "meetings_plan", "meetings_confidential",
                                               "cases_closed")],
        "below": user.municipality.stats_suppression_below,
    }  # fmt: skip
    return render(request, "evaluation/dashboard.html", context, status=400 if error else 200)
