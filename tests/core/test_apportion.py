from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.apportion import largest_remainder


def test_the_committee_example_rounds_to_100():
    # docs/domain.md#percentages: 0, 2, 5, 6 of 13 print as 0%, 15%, 39%, 46%.
    assert largest_remainder(100, [0, 2, 5, 6]) == [0, 15, 39, 46]


def test_ties_go_to_the_larger_weight_then_the_earlier_position():
    assert largest_remainder(1, [1, 1]) == [1, 0]
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]


def test_no_weight_no_shares():
    assert largest_remainder(10, [0, 0]) == [0, 0]


def test_negative_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(-1, [1])


@given(st.integers(0, 1000), st.lists(st.integers(0, 500), min_size=1, max_size=8).filter(any))
def test_shares_sum_to_the_total_and_stay_within_one_of_the_exact_share(total, weights):
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - Fraction(total * weight, sum(weights))) < 1
