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


def test_a_breakdown_is_shown_by_its_yearly_values_only():
    # April: 1 + 7 = 8 shown in the figure's row: the 1 would follow from 8 − 7. The breakdown has no months
    # for a suppressed reader, only its values for the 年度 against the figure's 年度計.
    rows = [
        row([8] + [0] * 11, key="f", figure="f"),
        row([1] + [0] * 11, key="f.a", figure="f", level=1),
        row([7] + [0] * 11, key="f.b", figure="f", level=1),
    ]
    out = stats.suppressed_rows(rows, 3)
    assert all(r.months == [stats.NOT_SHOWN] * 12 for r in out)
    assert out[1].total == S and (out[2].total == S or out[0].total == S)
    assert_undetermined(rows, out)


# --- what an evaluator can solve: every assignment of the 「*」 cells -----------------------------------------


def _cell(r, j):
    return r.total if j == 12 else r.months[j]


def _equations(raw, out):
    """The sums a reader of `out` knows, over its cells (i, j): a single figure's months and 年度計 (when the
    figure is additive), a breakdown's values and its figure's 年度計, and a breakdown's 年度計 equal to the
    figure it repeats (`Figure.same_as`). Each equation: (parts, total)."""
    equations = []
    first = {r.key: i for i, r in enumerate(out) if r.level == 0}
    for i, r in enumerate(out):
        if r.months != [stats.NOT_SHOWN] * 12 and raw[i].additive and raw[i].total == sum(raw[i].months):
            equations.append(([(i, j) for j in range(12)], (i, 12)))
        if r.level == 0:
            parts = [k for k in range(i + 1, len(out)) if out[k].figure == r.figure and out[k].level == 1]
            for j in range(13) if parts else ():  # the 年度計, and each month where the breakdown has months
                if _cell(r, j) != stats.NOT_SHOWN:
                    equations.append(([(k, j) for k in parts], (i, j)))
            figure = stats.FIGURES_BY_KEY.get(r.figure)
            if figure is not None and figure.same_as in first:
                equations.append(([(i, 12)], (first[figure.same_as], 12)))
    return equations


def _bounds(out):
    """Part ≤ whole (`Figure.part_of`) that a reader knows: ((part cell, whole cell), …) for each month and 年度計."""
    first = {r.key: i for i, r in enumerate(out) if r.level == 0}
    pairs = []
    for i, r in enumerate(out):
        figure = stats.FIGURES_BY_KEY.get(r.figure)
        if r.level == 0 and figure is not None and figure.part_of in first:
            pairs += [((i, j), (first[figure.part_of], j)) for j in range(13)]
    return pairs


def _possible(raw, out):
    """For each 「*」 cell, the values it takes over all assignments (each ≥ 1, at most the largest count + 2)
    that agree with every equation the reader knows. Stops once every cell has shown two values."""
    hidden = [(i, j) for i, r in enumerate(out) for j in range(13) if _cell(r, j) == S]
    cap = max([_cell(r, j) for r in raw for j in range(13)] + [0]) + 2
    equations = _equations(raw, out)
    bounds = _bounds(out)
    seen = {c: set() for c in hidden}
    value = {(i, j): _cell(r, j) for i, r in enumerate(out) for j in range(13) if _cell(r, j) not in (S, "")}

    def forced():
        """An equation with one unknown cell: that cell's value (None: the equation fails)."""
        for parts, total in equations:
            unknown = [c for c in (*parts, total) if c not in value]
            if len(unknown) == 1:
                c = unknown[0]
                rest = sum(value[p] for p in parts if p != c)
                return c, (value[total] - rest if c != total else rest)
        return None

    def consistent():
        for parts, total in equations:
            if all(c in value for c in (*parts, total)):
                if sum(value[p] for p in parts) != value[total]:
                    return False
            elif total in value:
                if sum(value.get(p, 1) for p in parts) > value[total]:
                    return False
        return all(value[part] <= value[whole] for part, whole in bounds if part in value and whole in value)

    def search():
        if all(len(v) >= 2 for v in seen.values()):
            return True
        if not consistent():
            return False
        free = [c for c in hidden if c not in value]
        if not free:
            for c in hidden:
                seen[c].add(value[c])
            return False
        step = forced()
        candidates = [step] if step else [(free[0], v) for v in range(1, cap + 1)]
        for c, v in candidates:
            if not 1 <= v <= cap:
                continue
            value[c] = v
            done = search()
            del value[c]
            if done:
                return True
        return False

    search()
    return seen


def assert_undetermined(raw, out):
    """No 「*」 cell of `out` has a single possible value (and the true one is among them)."""
    for cell, values in _possible(raw, out).items():
        assert len(values) >= 2, (cell, values, [[*r.months, r.total] for r in out])


def _figure(key, months):
    return row(months, key=key, figure=key)


def _breakdown(key, values):
    """A breakdown figure's rows: its figure row (the column sums) and one row per value."""
    total = [sum(col) for col in zip(*values.values(), strict=True)]
    return [row(total, key=key, figure=key)] + [
        row(v, key=f"{key}.{name}", figure=key, level=1) for name, v in values.items()
    ]


def pad(*months):
    return list(months) + [0] * (12 - len(months))


def test_the_brute_force_finds_what_the_reviewer_found():
    """The checker itself: the output before the fix (breakdowns by month) is solved."""
    raw = _breakdown("f", {"a": pad(1, 4, 0), "b": pad(1, 5, 5)})
    old = [row(pad(S, 9, S), key="f", figure="f", total=16),
           row(pad(S, S, 0), key="f.a", figure="f", level=1, total=5),
           row(pad(S, S, 5), key="f.b", figure="f", level=1, total=11)]  # fmt: skip
    possible = _possible(raw, old)
    assert possible[(1, 0)] == {1} and possible[(2, 1)] == {5}
    routes = {"phone": pad(1, 5), "visit": pad(1, 3), "mail": pad(1, 2)}
    raw = [_figure("consultations_all", pad(3, 10))] + _breakdown("consultations_by_route", routes)
    old = [
        raw[0],
        row(pad(S, 10), key="consultations_by_route", figure="consultations_by_route", total=13),
    ] + [row(pad(S, r.months[1]), key=r.key, figure=r.figure, level=1, total=S) for r in raw[2:]]
    assert _possible(raw, old)[(2, 0)] == {1}


def test_reviewer_table_a_hidden_total_solved_across_lines():
    # Before: figure ['*', 9, '*'] 16, a ['*', '*', 0] 5, b ['*', '*', 5] 11 → a0 + b0 = 2, both hidden: 1 and 1,
    # then every cell. Now the breakdown is shown for the 年度 only.
    raw = _breakdown("f", {"a": pad(1, 4, 0), "b": pad(1, 5, 5)})
    out = stats.suppressed_rows(raw, 3)
    assert [r.months for r in out] == [[stats.NOT_SHOWN] * 12] * 3
    assert_undetermined(raw, out)


def test_reviewer_table_a_hidden_total_of_shown_months():
    # Before: a value row [5, 0] with its 年度計 hidden as a complement: simply their sum.
    raw = [_figure("g", pad(5, 0))] + _breakdown("f", {"a": pad(5, 0), "b": pad(1, 0)})
    out = stats.suppressed_rows(raw, 3)
    assert out[0].months == pad(5, 0) and out[0].total == 5  # a single figure: nothing small
    assert_undetermined(raw, out)
    # A single line whose 年度計 was hidden while every month is shown: a month joins it.
    masked = stats.suppression_mask({(0, 0): 5, (0, 1): 4, (0, 2): 9}, [([(0, 0), (0, 1)], (0, 2))], 0)
    assert masked == set()
    values = {(0, 0): 5, (0, 1): 4, (0, 2): 9, (1, 0): 1, (1, 1): 8, (1, 2): 9}
    lines = [([(0, 0), (0, 1)], (0, 2)), ([(1, 0), (1, 1)], (0, 2))]  # two lines sharing one total
    hidden = stats.suppression_mask(values, lines, 3)
    assert (1, 0) in hidden and len([c for c in hidden if c[0] == 1]) == 2 or (0, 2) in hidden
    assert not ((0, 2) in hidden and not {(0, 0), (0, 1)} & hidden)  # a hidden total of shown months


def test_equal_rows_share_one_mask():
    # Before: consultations_all shows April 3 of 13 while the route breakdown hides April: a = b = c = 1.
    # Now the breakdown's 年度計 is consultations_all's cell, and its values are for the 年度 only.
    routes = {"phone": pad(1, 5), "visit": pad(1, 3), "mail": pad(1, 2)}
    raw = [_figure("consultations_all", pad(3, 10))] + _breakdown("consultations_by_route", routes)
    out = stats.suppressed_rows(raw, 3)
    assert out[0].months == pad(3, 10) and out[0].total == 13
    assert [r.total for r in out[1:]] == [13, 6, 4, 3]  # nothing small for the 年度
    assert_undetermined(raw, out)
    raw = [_figure("consultations_all", pad(3, 10))] + _breakdown(
        "consultations_by_route", {"phone": pad(3, 9), "visit": pad(0, 1)}
    )
    out = stats.suppressed_rows(raw, 3)
    assert [r.total for r in out] == [13, 13, S, S]  # visit 1: phone goes with it; one 年度計 for both
    assert_undetermined(raw, out)


figures_table = st.tuples(st.integers(2, 3), st.integers(2, 3)).flatmap(
    lambda shape: st.lists(
        st.lists(st.integers(0, 6), min_size=shape[1], max_size=shape[1]),
        min_size=shape[0],
        max_size=shape[0],
    )
)


@settings(max_examples=40, deadline=None)
@given(values=figures_table, below=st.integers(2, 3), linked=st.booleans())
def test_brute_force_no_hidden_cell_is_determined(values, below, linked):
    """Tiny tables (2–3 values × 2–3 months, counts 0–6): a figure, a breakdown of it (linked to the figure as
    the route breakdown is to consultations_all, or a breakdown of its own) and a single figure: whatever the
    suppressed output shows, no 「*」 has a single value among all assignments that agree with it."""
    breakdown = {f"v{i}": pad(*v) for i, v in enumerate(values)}
    column = pad(*[sum(col) for col in zip(*values, strict=True)])
    if linked:
        raw = [_figure("consultations_all", column)] + _breakdown("consultations_by_route", breakdown)
    else:
        raw = [_figure("g", pad(*values[0]))] + _breakdown("f", breakdown)
    out = stats.suppressed_rows(raw, below)
    for r, o in zip(raw, out, strict=True):
        for j in range(13):
            original, shown = _cell(r, j), _cell(o, j)
            assert shown in (original, S, stats.NOT_SHOWN)
            assert shown != S or original >= 1  # zeros are never hidden
            assert not 1 <= original < below or shown in (S, stats.NOT_SHOWN)  # small counts never shown
    assert_undetermined(raw, out)


table = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 6), min_size=12, max_size=12), min_size=n, max_size=n)
)


@settings(max_examples=100, deadline=None)
@given(values=table, below=st.integers(min_value=0, max_value=4))
def test_no_small_count_is_shown(values, below):
    figure = [sum(col) for col in zip(*values, strict=True)]
    raw = [row(figure, key="f", figure="f")] + [
        row(v, key=f"f.{i}", figure="f", level=1) for i, v in enumerate(values)
    ]
    out = stats.suppressed_rows(raw, below)
    for r, o in zip(raw, out, strict=True):
        original, value = r.total, o.total
        assert value == original or (value == S and original >= 1)  # only non-zero counts are hidden
        assert value == S or not 1 <= original < below  # every small count is hidden
        assert o.months == [stats.NOT_SHOWN] * 12


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(0, 4), min_size=1, max_size=5), below=st.integers(2, 3))
def test_brute_force_a_short_line(counts, below):
    """Every assignment of the hidden cells (each ≥ 1) that agrees with the shown total: each hidden cell
    takes at least two values among them, unless the total itself is hidden."""
    values = {(0, j): v for j, v in enumerate(counts)} | {(0, len(counts)): sum(counts)}
    line = ([(0, j) for j in range(len(counts))], (0, len(counts)))
    hidden = stats.suppression_mask(values, [line], below)
    if (0, len(counts)) in hidden:
        assert any(c in hidden for c in line[0])  # a hidden total is never the sum of shown cells
        return
    cells = [c for c in line[0] if c in hidden]
    rest = sum(values[c] for c in cells)
    solutions = [p for p in product(range(1, rest + 1), repeat=len(cells)) if sum(p) == rest]
    for i in range(len(cells)):
        assert len({p[i] for p in solutions}) >= 2


def test_a_part_and_its_whole_are_hidden_together():
    # Before: 実数 [0, 0, 5] shown beside のべ [*, 0, *] = 6: のべ's third month is at least 5, so 5 and 1.
    raw = [_figure("consultations_real", pad(0, 0, 5)), _figure("consultations_all", pad(1, 0, 5))]
    before = [raw[0], row(pad(S, 0, S), key="consultations_all", figure="consultations_all", total=6)]
    assert _possible(raw, before)[(1, 0)] == {1}  # the checker sees the bound
    out = stats.suppressed_rows(raw, 3)
    assert out[0].months[2] == S and out[1].months[2] == S
    assert_undetermined(raw, out)


pair_table = st.integers(2, 3).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=40, deadline=None)
@given(months=pair_table, below=st.integers(2, 3))
def test_brute_force_part_and_whole(months, below):
    """新規（実数） ≤ のべ and 再プラン ≤ プラン in every month: whatever is shown, no 「*」 of either row has a single
    value among the assignments that agree with the sums and with part ≤ whole."""
    part, extra = months
    whole = [p + e for p, e in zip(part, extra, strict=True)]
    for part_key, whole_key in (
        ("consultations_real", "consultations_all"),
        ("plans_replanned", "plans_made"),
    ):
        raw = [_figure(part_key, pad(*part)), _figure(whole_key, pad(*whole))]
        out = stats.suppressed_rows(raw, below)
        for r, o in zip(raw, out, strict=True):
            assert all(_cell(o, j) in (_cell(r, j), S) for j in range(13))
        assert_undetermined(raw, out)
