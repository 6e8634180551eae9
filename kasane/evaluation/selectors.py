"""Reads of evaluation: plans, the 一覧表 of a plan for a 年度, one progress sheet as printed, the plan as data
(for the .xlsx export), and outcome targets with their achievement. Scoped by the access policy; no personal
data is read here, so nothing is written to the access log."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from kasane.core import policy

from . import progress
from .models import Actual, Basis, Evaluation, Initiative, Measure, OutcomeTarget, Plan


def plan_list(*, user) -> QuerySet:
    return policy.scope(user, Plan).order_by("-period_from", "name")


def plan_get(*, user, pk) -> Plan:
    return policy.get_or_404(user, Plan, pk=pk)


def measure_get(*, user, pk) -> Measure:
    return policy.get_or_404(user, Measure.objects.select_related("plan", "goal"), pk=pk)


def _measures(plan: Plan) -> QuerySet:
    return (
        plan.measures.select_related("goal", "indicator")
        .prefetch_related(
            Prefetch("indicator__actuals", queryset=Actual.objects.order_by("fiscal_year")),
            Prefetch("initiatives", queryset=Initiative.objects.prefetch_related("progress")),
            Prefetch("evaluations", queryset=Evaluation.objects.order_by("fiscal_year")),
        )
        .order_by("sheet_no")
    )


def _indicator_of(measure: Measure):
    try:
        return measure.indicator
    except Measure.indicator.RelatedObjectDoesNotExist:
        return None


@dataclass
class YearCell:
    """One 年度 column of the sheet: the actual (value or text) and, when computed, the progress rate."""

    year: int
    value: Decimal | None = None
    text: str = ""
    display: str = ""
    rate: int | None = None


@dataclass
class Sheet:
    measure: Measure
    indicator: object
    year: int
    years: list[YearCell] = field(default_factory=list)
    outcome: progress.Outcome = progress.NOT_COMPUTED
    evaluation: Evaluation | None = None
    initiatives: list = field(default_factory=list)  # (initiative, result of `year`, status of `year`+1)

    @property
    def grade(self) -> str:
        if self.outcome.computed:
            return self.outcome.grade
        return self.evaluation.grade if self.evaluation else ""

    @property
    def basis(self) -> str:
        if self.outcome.computed:
            return Basis.COMPUTED
        return Basis.JUDGED if self.grade else ""

    @property
    def actual(self) -> YearCell | None:
        return next((c for c in self.years if c.year == self.year), None)


def _sheet(measure: Measure, plan: Plan, year: int) -> Sheet:
    indicator = _indicator_of(measure)
    sheet = Sheet(measure=measure, indicator=indicator, year=year)
    actuals = {a.fiscal_year: a for a in indicator.actuals.all()} if indicator else {}
    for y in plan.years:
        cell = YearCell(year=y)
        a = actuals.get(y)
        if a is not None and indicator is not None:
            cell.value, cell.text = a.value, a.text
            cell.display = (
                progress.format_value(a.value, indicator.decimals) if a.value is not None else a.text
            )
            outcome = progress.evaluate(
                numeric=indicator.numeric,
                direction=indicator.direction,
                baseline=indicator.baseline_value,
                target=indicator.target_value,
                actual=a.value,
            )
            cell.rate = outcome.rate
            if y == year:
                sheet.outcome = outcome
        sheet.years.append(cell)
    sheet.evaluation = next((e for e in measure.evaluations.all() if e.fiscal_year == year), None)
    for initiative in measure.initiatives.all():
        texts = {p.fiscal_year: p.text for p in initiative.progress.all()}
        sheet.initiatives.append((initiative, texts.get(year, ""), texts.get(year + 1, "")))
    return sheet


def default_year(plan: Plan) -> int:
    """The latest 年度 of the plan that has an evaluation or an actual, else the plan's first year."""
    latest = (
        Evaluation.objects.filter(measure__plan=plan)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )
    return next(iter(latest), plan.period_from)


def plan_sheets(*, user, plan: Plan, year: int) -> list[Sheet]:
    """Every progress sheet of the plan for the 年度 (the 一覧表 and the PDF)."""
    policy.require(user, policy.VIEW, plan)
    return [_sheet(m, plan, year) for m in _measures(plan)]


def sheet_get(*, user, measure: Measure, year: int) -> Sheet:
    policy.require(user, policy.VIEW, measure)
    return _sheet(_measures(measure.plan).get(pk=measure.pk), measure.plan, year)


def plan_data(plan: Plan) -> dict:
    """The whole plan in the shape `services.plan_import` takes (export, round-trip checks)."""
    measures = []
    for m in _measures(plan):
        ind = _indicator_of(m)
        measures.append(
            {
                "sheet_no": m.sheet_no,
                "goal": m.goal.number,
                "number": m.number,
                "title": m.title,
                "vision": m.vision,
                "indicator": None
                if ind is None
                else {
                    "name": ind.name,
                    "unit": ind.unit,
                    "direction": ind.direction,
                    "numeric": ind.numeric,
                    "decimals": ind.decimals,
                    "source": ind.source,
                    "survey_years": list(ind.survey_years),
                    "baseline_year": ind.baseline_year,
                    "baseline_value": _plain(ind.baseline_value),
                    "baseline_text": ind.baseline_text,
                    "target_year": ind.target_year,
                    "target_value": _plain(ind.target_value),
                    "target_text": ind.target_text,
                    "actuals": {
                        a.fiscal_year: {"value": _plain(a.value), "text": a.text} for a in ind.actuals.all()
                    },
                },
                "initiatives": [
                    {
                        "number": i.number,
                        "title": i.title,
                        "outline": i.outline,
                        "revised": i.revised,
                        "revision": i.revision,
                        "section": i.section,
                        "progress": {p.fiscal_year: p.text for p in i.progress.all()},
                    }
                    for i in m.initiatives.all()
                ],
                "evaluations": {
                    e.fiscal_year: {"grade": e.grade, "reasons": e.reasons} for e in m.evaluations.all()
                },
            }
        )
    return {
        "name": plan.name,
        "period_from": plan.period_from,
        "period_to": plan.period_to,
        "section": plan.section,
        "goals": [{"number": g.number, "title": g.title} for g in plan.goals.order_by("number")],
        "measures": measures,
    }


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored value without the trailing zeros of the column (77.800 → 77.8), for comparison and export."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


@dataclass
class TargetRow:
    target: OutcomeTarget
    actual: Decimal | None
    from_records: bool
    achieved: bool | None
    suppressed: bool = False  # 秘匿処理: a small count from the records, hidden with its achievement


def target_list(*, user, year: int | None = None) -> QuerySet:
    qs = policy.scope(user, OutcomeTarget)
    return qs.filter(fiscal_year=year) if year else qs


def target_get(*, user, pk) -> OutcomeTarget:
    return policy.get_or_404(user, OutcomeTarget, pk=pk)


def target_years(*, user) -> list[int]:
    return sorted(set(target_list(user=user).values_list("fiscal_year", flat=True)), reverse=True)


def _statistic(municipality, year: int, key: str, *, suppress: bool = False) -> Decimal | str | None:
    """The yearly statistics' figure for a key (counted from the records), or None while it cannot be counted;
    with `suppress`, as the suppressed table shows it (「*」 where any figure summed is hidden)."""
    from . import statistics

    value = statistics.stat_value(municipality, year, key, suppress=suppress)
    return value if value is None or value == statistics.SUPPRESSED else Decimal(value)


def _suppress_below(user) -> int:
    """The 秘匿処理 threshold for this user: 0 for staff who receive the whole municipality's exact figures."""
    from . import statistics

    access = statistics.access_for(user)
    if access is not None and access.whole_municipality and not access.suppress:
        return 0
    return user.municipality.stats_suppression_below if user is not None and user.municipality_id else 0


def target_rows(*, user, year: int) -> list[TargetRow]:
    """Targets of the 年度 with actuals (counted from the records, or entered) and achievement. Anyone who does
    not receive exact figures gets a counted actual as the suppressed statistics show it: hidden, with its
    achievement, when below the 秘匿処理 threshold or hidden by 二次秘匿 (or when a part of the sum is)."""
    below = _suppress_below(user) if user is not None else 0
    rows = []
    for target in target_list(user=user, year=year).select_related("municipality").order_by("project", "pk"):
        if target.stat_key:
            actual = _statistic(target.municipality, year, target.stat_key, suppress=bool(below))
        else:
            actual = target.actual_value
        if target.stat_key and actual is not None and (actual == "*" or 1 <= actual < below):
            rows.append(
                TargetRow(target=target, actual=None, from_records=True, achieved=None, suppressed=True)
            )
            continue
        rows.append(
            TargetRow(
                target=target,
                actual=actual,
                from_records=bool(target.stat_key),
                achieved=progress.target_achieved(actual, target.number, target.comparison),
            )
        )
    return rows
