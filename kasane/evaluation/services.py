"""Writes of evaluation: import a plan's progress sheets whole, edit a sheet's actuals, evaluation and initiatives
(optimistic locking on the sheet), and outcome targets (成果目標).

The grade of a year the rule can compute (progress.py) is always the computed one; staff judge (総合評価) only
where there is no actual or the indicator is not numeric. A whole plan is validated before anything is
written, so an import either replaces the plan completely or changes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from kasane.core import audit, policy
from kasane.core.concurrency import lock_for_update
from kasane.core.errors import ConflictError, DomainError

from . import progress
from .models import (
    Actual,
    Basis,
    Comparison,
    Evaluation,
    Goal,
    Grade,
    Indicator,
    Initiative,
    InitiativeProgress,
    Measure,
    OutcomeTarget,
    Plan,
    Project,
)
from .stat_keys import STAT_KEY_LABELS

A = audit.Action
MAX_YEAR = 2200
MIN_YEAR = 1989
MAX_VALUE = Decimal("99999999999")


class ImportErrors(DomainError):
    """Every problem found in a plan's data; nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("取り込めませんでした。" + " ".join(errors[:20]))
        self.errors = errors


def to_decimal(value, what: str) -> Decimal | None:
    """A value typed by staff or read from a cell: Decimal, or None when empty; a Japanese error otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, float) and value != value:
        raise DomainError(f"{what}は数値で入力してください。")
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"{what}は数値で入力してください（「{str(value)[:20]}」は数値ではありません）。"
        ) from None
    if not number.is_finite() or abs(number) > MAX_VALUE:
        raise DomainError(f"{what}の値が大きすぎます。")
    if number != number.quantize(Decimal("0.001")):
        raise DomainError(f"{what}は小数第3位までで入力してください。")
    return number


def _year_ok(year, plan_from: int, plan_to: int) -> bool:
    return isinstance(year, int) and plan_from <= year <= plan_to


def _check_plan(data: dict) -> list[str]:
    errors = []
    name = (data.get("name") or "").strip()
    if not name:
        errors.append("計画名がありません。")
    first, last = data.get("period_from"), data.get("period_to")
    if not all(isinstance(y, int) and MIN_YEAR <= y <= MAX_YEAR for y in (first, last)) or first > last:
        return [*errors, "計画期間（開始年度・終了年度）が正しくありません。"]
    goals = {g["number"] for g in data.get("goals", [])}
    seen_no, seen_number = set(), set()
    for m in data.get("measures", []):
        where = f"シートNo{m.get('sheet_no')}（{m.get('number')}）："
        if m.get("sheet_no") in seen_no or m.get("number") in seen_number:
            errors.append(f"{where}シートNoまたは施策番号が重複しています。")
        seen_no.add(m.get("sheet_no"))
        seen_number.add(m.get("number"))
        if m.get("goal") not in goals:
            errors.append(f"{where}基本目標{m.get('goal')}がありません。")
        if not (m.get("title") or "").strip():
            errors.append(f"{where}施策名がありません。")
        errors += [where + e for e in _check_sheet(m, first, last)]
    return errors


def _check_sheet(m: dict, first: int, last: int) -> list[str]:
    errors = []
    ind = m.get("indicator")
    if ind:
        if ind.get("direction") not in (progress.UP, progress.DOWN):
            errors.append("指標の方向が正しくありません。")
        if ind.get("numeric") and (ind.get("baseline_value") is None or ind.get("target_value") is None):
            errors.append("数値の指標には基準値と目標値が必要です。")
        problem = progress.direction_error(
            ind.get("baseline_value"), ind.get("target_value"), ind.get("direction")
        )
        if problem:
            errors.append(problem)
        if not _year_ok(ind.get("target_year"), first, last):
            errors.append(f"目標値の年度{ind.get('target_year')}が計画期間外です。")
        if not (isinstance(ind.get("baseline_year"), int) and MIN_YEAR <= ind["baseline_year"] <= last):
            errors.append("基準値の年度が正しくありません。")
        for year, actual in ind.get("actuals", {}).items():
            if not _year_ok(year, first, last):
                errors.append(f"実績値の年度{year}が計画期間（{first}〜{last}年度）の外です。")
            elif actual.get("value") is not None and not ind.get("numeric"):
                errors.append(f"{year}年度：数値でない指標に数値の実績値があります。")
    for init in m.get("initiatives", []):
        if not (init.get("title") or "").strip():
            errors.append(f"取組{init.get('number')}の名称がありません。")
        if init.get("revision") and not init.get("revised"):
            errors.append(f"取組{init.get('number')}：見直しが「無」なのに見直しの内容があります。")
        for year in init.get("progress", {}):
            if not _year_ok(year, first, last):
                errors.append(f"取組{init.get('number')}の年度{year}が計画期間の外です。")
    for year, ev in m.get("evaluations", {}).items():
        if not _year_ok(year, first, last):
            errors.append(f"評価の年度{year}が計画期間の外です。")
            continue
        grade = ev.get("grade") or ""
        if grade and grade not in Grade.values:
            errors.append(f"{year}年度の評価は A・B・C のいずれかです。")
            continue
        outcome = _outcome(ind, year)
        if outcome.computed and grade and grade != outcome.grade:
            errors.append(
                f"{year}年度の評価は実績値から {outcome.grade} と算出されます（{grade} と一致しません）。"
            )
    return errors


def _outcome(ind: dict | None, year: int) -> progress.Outcome:
    if not ind:
        return progress.NOT_COMPUTED
    actual = ind.get("actuals", {}).get(year) or {}
    return progress.evaluate(
        numeric=ind.get("numeric", True),
        direction=ind.get("direction", progress.UP),
        baseline=ind.get("baseline_value"),
        target=ind.get("target_value"),
        actual=actual.get("value"),
    )


def _normalise(data: dict) -> dict:
    """Decimal values everywhere (the demo writes them as strings)."""
    for m in data.get("measures", []):
        ind = m.get("indicator")
        if not ind:
            continue
        for key in ("baseline_value", "target_value"):
            ind[key] = to_decimal(ind.get(key), "値")
        for actual in ind.get("actuals", {}).values():
            actual["value"] = to_decimal(actual.get("value"), "実績値")
    return data


@transaction.atomic
def plan_import(*, user, municipality_id: int, data: dict) -> Plan:
    """Create the plan, or replace the plan of the same name with everything in `data` (all or nothing)."""
    if user is not None:
        policy.require_create(user, "evaluation.Plan")
    data = _normalise(data)
    errors = _check_plan(data)
    if errors:
        raise ImportErrors(errors)
    plan, _ = Plan.objects.select_for_update().get_or_create(
        municipality_id=municipality_id,
        name=data["name"].strip(),
        defaults={"period_from": data["period_from"], "period_to": data["period_to"]},
    )
    plan.period_from, plan.period_to = data["period_from"], data["period_to"]
    plan.section = data.get("section", "")
    plan.version += 1
    plan.save()
    plan.measures.all().delete()
    plan.goals.all().delete()
    goals = {
        g["number"]: Goal.objects.create(plan=plan, number=g["number"], title=g["title"])
        for g in data["goals"]
    }
    for m in data["measures"]:
        measure = Measure.objects.create(
            plan=plan,
            goal=goals[m["goal"]],
            sheet_no=m["sheet_no"],
            number=m["number"],
            title=m["title"],
            vision=m.get("vision", ""),
        )
        ind = m.get("indicator")
        if ind:
            indicator = Indicator.objects.create(
                measure=measure, **{k: v for k, v in ind.items() if k != "actuals"}
            )
            Actual.objects.bulk_create(
                Actual(indicator=indicator, fiscal_year=y, value=a.get("value"), text=a.get("text", ""))
                for y, a in ind.get("actuals", {}).items()
            )
        for init in m.get("initiatives", []):
            initiative = Initiative.objects.create(
                measure=measure, **{k: v for k, v in init.items() if k != "progress"}
            )
            InitiativeProgress.objects.bulk_create(
                InitiativeProgress(initiative=initiative, fiscal_year=y, text=t)
                for y, t in init.get("progress", {}).items()
                if t
            )
        evaluations = dict(m.get("evaluations", {}))
        for year in (ind or {}).get("actuals", {}):
            if _outcome(ind, year).computed:
                evaluations.setdefault(
                    year, {}
                )  # a computable year is graded even before reasons are written
        for year, ev in evaluations.items():
            _evaluation_store(measure, year, ev.get("grade") or "", ev.get("reasons", ""), ind)
    if user is not None:
        audit.record(user=user, action=A.CREATE, obj=plan, detail="進捗管理シートの取込")
    return plan


def _evaluation_store(measure: Measure, year: int, grade: str, reasons: str, ind: dict | None) -> Evaluation:
    outcome = _outcome(ind, year)
    evaluation, _ = Evaluation.objects.get_or_create(measure=measure, fiscal_year=year)
    evaluation.grade = outcome.grade if outcome.computed else grade
    evaluation.basis = Basis.COMPUTED if outcome.computed else Basis.JUDGED
    evaluation.reasons = reasons
    evaluation.save()
    return evaluation


def indicator_dict(indicator: Indicator | None) -> dict | None:
    """The indicator as the rule reads it (the same shape as an import)."""
    if indicator is None:
        return None
    return {
        "numeric": indicator.numeric,
        "direction": indicator.direction,
        "baseline_value": indicator.baseline_value,
        "target_value": indicator.target_value,
        "actuals": {a.fiscal_year: {"value": a.value, "text": a.text} for a in indicator.actuals.all()},
    }


def _lock_sheet(user, measure: Measure, version) -> Measure:
    policy.require(user, policy.CHANGE, measure)
    try:
        return lock_for_update(Measure, measure.pk, version)
    except ConflictError:
        raise ConflictError(
            "他の職員がこの進捗管理シートを先に更新しました。最新の内容を確認してから、もう一度変更してください。"
        ) from None


def _require_year(measure: Measure, year) -> int:
    plan = measure.plan
    if not _year_ok(year, plan.period_from, plan.period_to):
        raise DomainError(
            f"年度は計画期間（{plan.period_from}〜{plan.period_to}年度）の中から選んでください。",
            field="fiscal_year",
        )
    return year


@transaction.atomic
def actual_set(*, user, measure: Measure, version, fiscal_year: int, value, text: str = "") -> Actual:
    """Record (or clear) a year's actual; the year's evaluation follows the rule again."""
    locked = _lock_sheet(user, measure, version)
    _require_year(locked, fiscal_year)
    indicator = Indicator.objects.filter(measure=locked).first()
    if indicator is None:
        raise DomainError("この施策には評価指標がありません。")
    number = to_decimal(value, "実績値")
    if number is not None and not indicator.numeric:
        raise DomainError("数値でない指標です。実績は文章で入力してください。", field="value")
    actual, _ = Actual.objects.update_or_create(
        indicator=indicator, fiscal_year=fiscal_year, defaults={"value": number, "text": (text or "").strip()}
    )
    existing = Evaluation.objects.filter(measure=locked, fiscal_year=fiscal_year).first()
    outcome = _outcome(indicator_dict(indicator), fiscal_year)
    if existing is not None or outcome.computed:
        _evaluation_store(
            locked,
            fiscal_year,
            existing.grade if existing and existing.basis == Basis.JUDGED else "",
            existing.reasons if existing else "",
            indicator_dict(indicator),
        )
    locked.save(update_fields=["version"])
    audit.record(user=user, action=A.UPDATE, obj=locked, detail=f"{fiscal_year}年度の実績値")
    return actual


@transaction.atomic
def evaluation_set(
    *, user, measure: Measure, version, fiscal_year: int, grade: str, reasons: str
) -> Evaluation:
    """The year's evaluation: reasons always; a grade only where the rule cannot compute it (総合評価)."""
    locked = _lock_sheet(user, measure, version)
    _require_year(locked, fiscal_year)
    indicator = Indicator.objects.filter(measure=locked).first()
    ind = indicator_dict(indicator)
    outcome = _outcome(ind, fiscal_year)
    grade = (grade or "").strip()
    if grade and grade not in Grade.values:
        raise DomainError("評価は A・B・C から選んでください。", field="grade")
    if outcome.computed and grade and grade != outcome.grade:
        raise DomainError(
            f"この年度は実績値から評価 {outcome.grade} と算出されます。評価は変更できません（理由は入力できます）。",
            field="grade",
        )
    if not outcome.computed and grade and not (reasons or "").strip():
        raise DomainError("総合評価には評価の理由を入力してください。", field="reasons")
    evaluation = _evaluation_store(locked, fiscal_year, grade, (reasons or "").strip(), ind)
    locked.save(update_fields=["version"])
    audit.record(user=user, action=A.UPDATE, obj=locked, detail=f"{fiscal_year}年度の評価")
    return evaluation


INITIATIVE_FIELDS = ("title", "outline", "revised", "revision", "section")


@transaction.atomic
def initiative_save(
    *, user, measure: Measure, version, number: int, fields: dict, progress_texts: dict[int, str]
) -> Initiative:
    """Create or change 取組 `number` of the sheet and its yearly results (empty text removes a year)."""
    locked = _lock_sheet(user, measure, version)
    if not isinstance(number, int) or not 1 <= number <= 20:
        raise DomainError("取組番号は1〜20で入力してください。", field="number")
    values = {k: fields[k] for k in INITIATIVE_FIELDS if k in fields}
    if not (values.get("title") or "").strip():
        raise DomainError("取組の名称を入力してください。", field="title")
    if not values.get("revised"):
        if (values.get("revision") or "").strip():
            raise DomainError("見直しの内容は、見直し「有」のときに入力してください。", field="revision")
        values["revision"] = ""
    initiative, _ = Initiative.objects.update_or_create(measure=locked, number=number, defaults=values)
    for year, text in progress_texts.items():
        _require_year(locked, year)
        if (text or "").strip():
            InitiativeProgress.objects.update_or_create(
                initiative=initiative, fiscal_year=year, defaults={"text": text.strip()}
            )
        else:
            InitiativeProgress.objects.filter(initiative=initiative, fiscal_year=year).delete()
    locked.save(update_fields=["version"])
    audit.record(user=user, action=A.UPDATE, obj=locked, detail=f"取組{number}")
    return initiative


# --- outcome targets (成果目標) -------------------------------------------------------------------------------

TARGET_FIELDS = (
    "project",
    "fiscal_year",
    "item",
    "number",
    "unit",
    "comparison",
    "stat_key",
    "actual_value",
    "note",
)


def _target_values(fields: dict) -> dict:
    values = {k: fields[k] for k in TARGET_FIELDS if k in fields}
    if values.get("project") not in Project.values:
        raise DomainError("事業を選んでください。", field="project")
    if values.get("comparison", Comparison.AT_LEAST) not in Comparison.values:
        raise DomainError("比較（以上・以下）を選んでください。", field="comparison")
    if values.get("stat_key") and values["stat_key"] not in STAT_KEY_LABELS:
        raise DomainError("統計の項目が正しくありません。", field="stat_key")
    year = values.get("fiscal_year")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError("年度が正しくありません。", field="fiscal_year")
    if not (values.get("item") or "").strip():
        raise DomainError("目標の項目を入力してください。", field="item")
    values["number"] = to_decimal(values.get("number"), "目標の数値")
    if values["number"] is None:
        raise DomainError("目標の数値を入力してください。", field="number")
    values["actual_value"] = to_decimal(values.get("actual_value"), "実績")
    if values.get("stat_key") and values["actual_value"] is not None:
        raise DomainError("記録から集計する目標には実績を入力しません。", field="actual_value")
    return values


@transaction.atomic
def target_create(*, user, municipality_id: int | None = None, **fields) -> OutcomeTarget:
    if user is not None:
        policy.require_create(user, "evaluation.OutcomeTarget")
        municipality_id = user.municipality_id
    target = OutcomeTarget.objects.create(municipality_id=municipality_id, **_target_values(fields))
    if user is not None:
        audit.record(user=user, action=A.CREATE, obj=target)
    return target


@transaction.atomic
def target_update(*, user, target: OutcomeTarget, version, **fields) -> OutcomeTarget:
    policy.require(user, policy.CHANGE, target)
    locked = lock_for_update(OutcomeTarget, target.pk, version)
    current = {k: getattr(locked, k) for k in TARGET_FIELDS}
    for key, value in _target_values({**current, **fields}).items():
        setattr(locked, key, value)
    locked.save()
    audit.record(user=user, action=A.UPDATE, obj=locked)
    return locked


@transaction.atomic
def target_delete(*, user, target: OutcomeTarget) -> None:
    policy.require(user, policy.DELETE, target)
    audit.record(user=user, action=A.DELETE, obj=target)
    target.delete()
