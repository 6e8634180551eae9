from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kasane.core.workdays import add_working_days, is_working_day


def test_weekends_holidays_and_the_new_year_break_are_not_working_days():
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 23))  # 勤労感謝の日
    assert not is_working_day(date(2026, 12, 29)) and not is_working_day(date(2027, 1, 3))
    assert is_working_day(date(2026, 11, 30))


def test_three_working_days_after_a_friday_is_the_next_wednesday():
    assert add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 2)


def test_golden_week_is_skipped():
    assert add_working_days(date(2026, 5, 1), 1) == date(2026, 5, 7)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 30))
def test_the_result_is_a_working_day_with_exactly_n_working_days_in_between(start, n):
    end = add_working_days(start, n)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == n
    assert n == 0 or is_working_day(end)
