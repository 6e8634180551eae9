"""The evaluation rule of the progress sheets (DOMAIN §6, seed 000 評価方法) and outcome-target achievement.

Pure functions over Decimal: no database, no float. 進捗率 = (実績値 − 基準値) / (目標値 − 基準値) as a whole
percent rounded half up (四捨五入, so 28.5 % → 29 %, never Python's round-half-even). Grades:
目標値 < 実績値 → A, 基準値 ≤ 実績値 ≤ 目標値 → B, 実績値 < 基準値 → C, mirrored for an indicator that aims
downward. A target equal to the baseline is shown as 100 % (the ratio has no denominator; 32 → 32, target 32
in 000). A year without an actual (the survey did not run) or a non-numeric indicator is not computed: the
staff's judgement (総合評価) with reasons stands instead.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UP = "up"
DOWN = "down"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Outcome:
    """What the rule says for one year: a percent and grade when computed, nothing when it is a judgement."""

    computed: bool
    rate: int | None = None
    grade: str | None = None


NOT_COMPUTED = Outcome(computed=False)


def _decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("use Decimal or int, never float, for indicator values")
    return Decimal(value)


def progress_rate(baseline, actual, target) -> int:
    """進捗率 in whole percent, rounded half up. A target equal to the baseline shows 100 %."""
    baseline, actual, target = _decimal(baseline), _decimal(actual), _decimal(target)
    if target == baseline:
        return 100
    ratio = (actual - baseline) * HUNDRED / (target - baseline)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grade(baseline, actual, target, direction: str = UP) -> str:
    """A / B / C for a numeric actual; for `down`, "beyond the target" means below it."""
    baseline, actual, target = _decimal(baseline), _decimal(actual), _decimal(target)
    if direction == DOWN:
        baseline, actual, target = -baseline, -actual, -target
    elif direction != UP:
        raise ValueError(f"unknown direction {direction!r}")
    if actual > target:
        return "A"
    if actual < baseline:
        return "C"
    return "B"


def direction_error(baseline, target, direction: str) -> str | None:
    """A Japanese message when the target lies on the wrong side of the baseline for the direction."""
    if baseline is None or target is None:
        return None
    baseline, target = _decimal(baseline), _decimal(target)
    if direction == UP and target < baseline:
        return "増加をめざす指標の目標値が基準値を下回っています。方向か値を確認してください。"
    if direction == DOWN and target > baseline:
        return "減少をめざす指標の目標値が基準値を上回っています。方向か値を確認してください。"
    return None


def evaluate(*, numeric: bool, direction: str, baseline, target, actual) -> Outcome:
    """The rule for one year. Not computed (a judgement) without an actual or for a non-numeric indicator."""
    if not numeric or actual is None or baseline is None or target is None:
        return NOT_COMPUTED
    return Outcome(
        computed=True,
        rate=progress_rate(baseline, actual, target),
        grade=grade(baseline, actual, target, direction),
    )


def target_achieved(actual, number, comparison: str) -> bool | None:
    """Whether an outcome target (成果目標) is met: 以上 (gte) or 以下 (lte); None without an actual."""
    if actual is None:
        return None
    actual, number = _decimal(actual), _decimal(number)
    if comparison == "gte":
        return actual >= number
    if comparison == "lte":
        return actual <= number
    raise ValueError(f"unknown comparison {comparison!r}")


def format_value(value, decimals: int = 0) -> str:
    """A value as the sheets print it: 80.9, 85.0, 1,110 (half up at the given places)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    return f"{_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}"
