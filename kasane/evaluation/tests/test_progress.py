"""The evaluation rule of DOMAIN §6 (seed 000 評価方法): 進捗率 rounded half up, A/B/C, direction, judgement."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasane.evaluation import progress

D = Decimal


@pytest.mark.parametrize(
    ("baseline", "actual", "target", "rate", "grade"),
    [
        ("0", "2", "7", 29, "B"),  # 2-1 コミュニティ・ソーシャルワーカー
        ("362", "427", "430", 96, "B"),  # 3-3 指導監査
        ("14", "18", "15", 400, "A"),  # 4-2 認定就労訓練事業所
        ("77.8", "80.9", "85.0", 43, "B"),  # 4-1 地域防災マップ
        ("77", "80", "84", 43, "B"),  # 4-5 協力雇用主
        ("32", "32", "32", 100, "B"),  # 1-1: target equal to baseline shows 100 %
    ],
)
def test_the_examples_of_seed_000(baseline, actual, target, rate, grade):
    outcome = progress.evaluate(
        numeric=True, direction="up", baseline=D(baseline), target=D(target), actual=D(actual)
    )
    assert outcome == progress.Outcome(computed=True, rate=rate, grade=grade)


def test_it_rounds_half_up_not_half_even():
    assert progress.progress_rate(0, D("1"), D("8")) == 13  # 12.5 → 13 (round() would give 12)
    assert progress.progress_rate(0, D("5"), D("200")) == 3  # 2.5 → 3
    assert progress.progress_rate(0, D("1"), D("200")) == 1  # 0.5 → 1


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        progress.progress_rate(0.0, 1, 2)


def test_a_downward_indicator_mirrors_the_rule():
    # e.g. 孤立死 from 10 to 4: 7 is on plan, 3 is beyond the target, 12 is worse than the baseline.
    assert progress.evaluate(
        numeric=True, direction="down", baseline=10, target=4, actual=7
    ) == progress.Outcome(True, 50, "B")
    assert progress.grade(10, 3, 4, "down") == "A"
    assert progress.grade(10, 12, 4, "down") == "C"
    assert progress.progress_rate(10, 12, 4) == -33


def test_no_actual_or_a_non_numeric_indicator_is_a_judgement():
    assert progress.evaluate(
        numeric=True, direction="up", baseline=D("49.5"), target=D("54.5"), actual=None
    ) == (progress.NOT_COMPUTED)
    assert progress.evaluate(numeric=False, direction="up", baseline=None, target=None, actual=None) == (
        progress.NOT_COMPUTED
    )


def test_a_target_on_the_wrong_side_of_the_baseline_is_reported():
    assert "下回って" in progress.direction_error(10, 5, "up")
    assert "上回って" in progress.direction_error(5, 10, "down")
    assert progress.direction_error(5, 5, "up") is None


def test_outcome_target_achievement():
    assert progress.target_achieved(3, 3, "gte") is True
    assert progress.target_achieved(2, 3, "gte") is False
    assert progress.target_achieved(4, 3, "lte") is False
    assert progress.target_achieved(None, 3, "gte") is None


def test_values_print_as_the_sheets_do():
    assert progress.format_value(D("85.000"), 1) == "85.0"
    assert progress.format_value(D("1110"), 0) == "1,110"
    assert progress.format_value(D("0.05"), 1) == "0.1"


values = st.decimals(min_value=-100000, max_value=100000, places=1, allow_nan=False, allow_infinity=False)


@given(values, values, values)
def test_direction_symmetry(baseline, actual, target):
    """Negating every value of an upward indicator gives the same result for the downward one."""
    up = progress.evaluate(numeric=True, direction="up", baseline=baseline, target=target, actual=actual)
    down = progress.evaluate(
        numeric=True, direction="down", baseline=-baseline, target=-target, actual=-actual
    )
    assert up == down


@given(values, values, values)
def test_the_grade_agrees_with_the_bounds(baseline, actual, target):
    if target < baseline:
        baseline, target = target, baseline
    outcome = progress.evaluate(numeric=True, direction="up", baseline=baseline, target=target, actual=actual)
    if actual > target:
        assert outcome.grade == "A" and outcome.rate >= 100
    elif actual < baseline:
        assert outcome.grade == "C" and (outcome.rate <= 0 or target == baseline)
    else:
        assert outcome.grade == "B" and 0 <= outcome.rate <= 100


@given(values, values, values)
def test_the_rate_is_the_half_up_rounding_of_the_exact_ratio(baseline, actual, target):
    rate = progress.progress_rate(baseline, actual, target)
    if target == baseline:
        assert rate == 100
    else:
        exact = (actual - baseline) * 100 / (target - baseline)
        assert abs(D(rate) - exact) <= D("0.5")
        if abs(D(rate) - exact) == D("0.5"):
            assert abs(D(rate)) > abs(exact)  # ties go away from zero
