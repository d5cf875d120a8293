import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.grade_tables import (
    ALL_COHORTS,
    OFSTED_GRADES,
    GradeRow,
    cell_text,
    grade_percentages,
    grade_rows,
    rounding_note,
)
from tests.core.test_intervals import textbook_wilson


def test_the_committee_example_prints_as_the_committee_expects():
    # docs/domain.md#percentages: 13 care leaver audits in 2019, 0 / 2 / 5 / 6, printed 0, 2 (15%), 5 (39%),
    # 6 (46%).
    (row,) = grade_rows(
        {("2019", "care-leaver"): {"requires-improvement": 2, "good": 5, "outstanding": 6}},
        periods=["2019"],
        cohorts=["care-leaver"],
    )
    assert row.total == 13
    assert row.percentages == (0, 15, 39, 46)
    assert [cell_text(c, p) for c, p in zip(row.counts, row.percentages, strict=True)] == [
        "0",
        "2 (15%)",
        "5 (39%)",
        "6 (46%)",
    ]


@pytest.mark.parametrize(
    ("counts", "printed"),
    [
        # The points run out within equal counts: all down when up would be no nearer 100.
        ((0, 1, 1, 1), (0, 33, 33, 33)),
        ((0, 4, 4, 3), (0, 36, 36, 27)),
        ((0, 5, 5, 1), (0, 45, 45, 9)),
        # Two points left for three equal counts: all up (101) is nearer 100 than all down (98).
        ((1, 1, 1, 3), (17, 17, 17, 50)),
        # Equal counts inside the points left all get one.
        ((1, 1, 2, 2), (17, 17, 33, 33)),
        # Not the same count: the larger remainder wins, wherever the grade is.
        ((6, 5, 6, 0), (35, 30, 35, 0)),
    ],
)
def test_equal_counts_always_print_equal_percentages(counts, printed):
    assert grade_percentages(counts) == printed


@pytest.mark.parametrize(
    ("counts", "printed"),
    [
        ((0, 5, 6, 6), (0, 30, 35, 35)),  # 2018 in the authority's own report
        ((0, 2, 5, 6), (0, 15, 39, 46)),  # 2019, docs/domain.md#percentages
        ((1, 3, 6, 2), (8, 25, 50, 17)),  # 2020 and 2021 of the history the tests load (grade_history)
        ((0, 2, 7, 3), (0, 17, 58, 25)),
    ],
)
def test_the_reports_own_years_come_out_as_printed(counts, printed):
    assert grade_percentages(counts) == printed
    assert sum(printed) == 100


def test_the_note_on_rounding_is_wanted_only_where_a_row_does_not_sum_to_100():
    def rows(*counts: tuple[int, ...]) -> list[GradeRow]:
        return [GradeRow(str(i), "c", OFSTED_GRADES, c) for i, c in enumerate(counts)]

    assert rounding_note(rows((0, 2, 5, 6), (0, 0, 0, 0))) is None
    assert rounding_note(rows((0, 2, 5, 6), (0, 1, 1, 1))) == (
        "Percentages may not sum to 100 because of rounding: equal counts always show equal percentages."
    )


def test_a_row_without_audits_shows_no_percentages_but_is_still_there():
    rows = grade_rows({}, periods=["2020"], cohorts=["care-leaver"])
    assert rows[0].total == 0
    assert rows[0].percentages is None
    assert rows[0].intervals is None


def test_a_period_with_several_cohorts_gets_a_row_for_all_of_them_together():
    rows = grade_rows(
        {("2021", "care-leaver"): {"good": 3}, ("2021", "looked-after"): {"inadequate": 1, "good": 1}},
        periods=["2021"],
        cohorts=["care-leaver", "looked-after"],
    )
    assert [r.cohort for r in rows] == ["care-leaver", "looked-after", ALL_COHORTS]
    assert rows[-1].counts == (1, 0, 4, 0)


def test_small_rows_are_flagged():
    rows = grade_rows(
        {("2019", "care-leaver"): {"good": 19}, ("2020", "care-leaver"): {"good": 20}},
        periods=["2020", "2019"],
        cohorts=["care-leaver"],
    )
    assert [r.is_small for r in rows] == [False, True]


counts = st.lists(st.integers(0, 400), min_size=len(OFSTED_GRADES), max_size=len(OFSTED_GRADES)).filter(any)


@given(counts)
def test_each_share_is_within_1_of_the_exact_share_and_equal_counts_print_alike(cells):
    percentages = grade_percentages(cells)
    assert percentages is not None
    total = sum(cells)
    for count, percentage in zip(cells, percentages, strict=True):
        assert abs(percentage - Fraction(100 * count, total)) < 1
    for (a, p), (b, q) in itertools.combinations(zip(cells, percentages, strict=True), 2):
        assert a != b or p == q
    # A row of four grades is off by a point at most, and only where equal counts shared the cut.
    assert abs(sum(percentages) - 100) <= 1
    if len(set(c for c in cells if c)) == len([c for c in cells if c]):
        assert sum(percentages) == 100


@given(counts)
def test_each_interval_holds_the_observed_share(cells):
    (row,) = grade_rows(
        {("p", "c"): dict(zip(OFSTED_GRADES, cells, strict=True))}, periods=["p"], cohorts=["c"]
    )
    assert row.intervals is not None
    for count, (low, high) in zip(cells, row.intervals, strict=True):
        assert 0 <= low <= count / row.total <= high <= 1
        # The 95% Wilson interval of that count out of the row's total, not (0, 1) or another row's.
        expected_low, expected_high = textbook_wilson(count, row.total)
        assert low == pytest.approx(expected_low, abs=1e-9)
        assert high == pytest.approx(expected_high, abs=1e-9)


def test_the_committee_examples_intervals():
    (row,) = grade_rows(
        {("2019", "care-leaver"): {"requires-improvement": 2, "good": 5, "outstanding": 6}},
        periods=["2019"],
        cohorts=["care-leaver"],
    )
    # docs/domain.md#small-samples: 6 of 13 is 46%, but the 95% interval runs from 23% to 71%.
    assert [(round(low * 100), round(high * 100)) for low, high in row.intervals] == [
        (0, 23),
        (4, 42),
        (18, 64),
        (23, 71),
    ]
