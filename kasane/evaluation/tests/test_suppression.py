"""二次秘匿 (complementary suppression): no hidden count follows from the shown cells and a shown total.

Pure tests of `statistics.suppression_mask` / `suppressed_rows`, no database. A reader knows each 「*」 is at
least 1 (zeros are shown), so in a line whose total is shown the hidden cells are undetermined exactly when
there are at least two of them and they do not all have to be 1 (their sum exceeds their number)."""

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.evaluation import statistics as stats

S = stats.SUPPRESSED


def row(months, key="x", figure="x", level=0, total=None, additive=True):
    return stats.Row(key, figure, "相談", key, list(months), level, total=total, additive=additive)


def shown(months, below=3):
    out = stats.suppressed_rows([row(months)], below)[0]
    return out.months, out.total


def test_a_single_hidden_month_takes_the_next_smallest_with_it():
    months, total = shown([0, 2, 3, 0, 5, 0, 0, 0, 0, 0, 0, 7])
    assert months == [0, S, S, 0, 5, 0, 0, 0, 0, 0, 0, 7] and total == 17


def test_two_hidden_ones_need_a_larger_third():
    # 1 and 1 hidden with the total shown: both would have to be 1. The 3 (not the 1… there is none) joins.
    months, total = shown([1, 1, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0])
    assert months == [S, S, 0, S, 4, 0, 0, 0, 0, 0, 0, 0] and total == 9


def test_two_hidden_that_are_not_all_ones_suffice():
    assert shown([1, 2, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == ([S, S, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8)


def test_nothing_else_to_hide_hides_the_total():
    months, total = shown([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], below=2)
    assert months[0] == S and total == S
    months, total = shown([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], below=2)  # the 2 alone is not enough
    assert months[:2] == [S, S] and total == 3  # 1 + 2 = 3 in two cells: 1+2 or 2+1, undetermined


def test_no_small_count_no_change_and_zero_stays():
    assert shown([0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 9]) == ([0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 9], 16)
    assert shown([0] * 12) == ([0] * 12, 0)


def test_a_persons_figure_is_not_additive():
    # 実人数: the 年度計 (2) is not the sum of the months (1 + 1): no month follows from it.
    out = stats.suppressed_rows([row([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5], total=6, additive=False)], 3)[0]
    assert out.months == [S, 0, 0, S, 0, 0, 0, 0, 0, 0, 0, 5] and out.total == 6


def test_a_breakdown_column_against_its_figure():
    # April: 1 + 7 = 8 shown in the figure's row: the 1 would follow from 8 − 7.
    rows = [
        row([8] + [0] * 11, key="f", figure="f"),
        row([1] + [0] * 11, key="f.a", figure="f", level=1),
        row([7] + [0] * 11, key="f.b", figure="f", level=1),
    ]
    out = stats.suppressed_rows(rows, 3)
    assert out[1].months[0] == S and out[1].total == S
    assert out[2].months[0] == S or out[0].months[0] == S
    _assert_undetermined(rows, out)


def _lines(rows):
    """The additive lines of a table of rows, as in suppressed_rows: (cells, total cell)."""
    lines = []
    for i, r in enumerate(rows):
        if r.additive:
            lines.append(([(i, j) for j in range(12)], (i, 12)))
        if r.level == 0:
            parts = [k for k in range(i + 1, len(rows)) if rows[k].figure == r.figure and rows[k].level == 1]
            if parts:
                lines += [([(k, j) for k in parts], (i, j)) for j in range(13)]
    return lines


def _cell(r, j):
    return r.total if j == 12 else r.months[j]


def _assert_undetermined(raw, out):
    for cells, total in _lines(raw):
        if _cell(out[total[0]], total[1]) == S:
            continue
        hidden = [c for c in cells if _cell(out[c[0]], c[1]) == S]
        rest = sum(_cell(raw[c[0]], c[1]) for c in hidden)
        assert not hidden or (len(hidden) >= 2 and rest > len(hidden)), (cells, hidden, rest)


table = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 6), min_size=12, max_size=12), min_size=n, max_size=n)
)


@settings(max_examples=150, deadline=None)
@given(values=table, below=st.integers(min_value=0, max_value=4))
def test_no_hidden_cell_follows_from_a_line(values, below):
    figure = [sum(col) for col in zip(*values, strict=True)]
    raw = [row(figure, key="f", figure="f")] + [
        row(v, key=f"f.{i}", figure="f", level=1) for i, v in enumerate(values)
    ]
    out = stats.suppressed_rows(raw, below)
    for r, o in zip(raw, out, strict=True):
        for j in range(13):
            original, value = _cell(r, j), _cell(o, j)
            assert value == original or (value == S and original >= 1)  # only non-zero counts are hidden
            if 1 <= original < below:
                assert value == S  # every small count is hidden
    _assert_undetermined(raw, out)


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(0, 4), min_size=1, max_size=5), below=st.integers(2, 3))
def test_brute_force_a_short_line(counts, below):
    """Every assignment of the hidden cells (each ≥ 1) that agrees with the shown total: each hidden cell
    takes at least two values among them, unless the total itself is hidden."""
    values = {(0, j): v for j, v in enumerate(counts)} | {(0, len(counts)): sum(counts)}
    line = ([(0, j) for j in range(len(counts))], (0, len(counts)))
    hidden = stats.suppression_mask(values, [line], below)
    if (0, len(counts)) in hidden:
        return
    cells = [c for c in line[0] if c in hidden]
    rest = sum(values[c] for c in cells)
    solutions = [p for p in product(range(1, rest + 1), repeat=len(cells)) if sum(p) == rest]
    for i in range(len(cells)):
        assert len({p[i] for p in solutions}) >= 2
