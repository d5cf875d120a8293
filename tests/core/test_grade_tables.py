from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.grade_tables import ALL_COHORTS, OFSTED_GRADES, cell_text, grade_percentages, grade_rows
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


def test_a_tie_for_the_spare_point_goes_to_the_larger_count_then_the_better_grade():
    # 1, 1, 1 of 3: 33.3% each; the spare point goes to the best grade of the tied three.
    assert grade_percentages([0, 1, 1, 1]) == (0, 33, 33, 34)
    # 1 of 6 and 2 of 6 have remainders .67 and .33: .67 wins whatever the counts.
    assert grade_percentages([1, 1, 2, 2]) == (17, 17, 33, 33)


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
def test_every_non_empty_row_sums_to_100_and_each_share_is_within_1_of_the_exact_share(cells):
    percentages = grade_percentages(cells)
    assert percentages is not None
    assert sum(percentages) == 100
    total = sum(cells)
    for count, percentage in zip(cells, percentages, strict=True):
        assert abs(percentage - Fraction(100 * count, total)) < 1


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
