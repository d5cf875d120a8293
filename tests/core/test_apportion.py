import math
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caseaudit.core.apportion import largest_remainder


def test_the_committee_example_rounds_to_100():
    # docs/domain.md#percentages: 0, 2, 5, 6 of 13 print as 0%, 15%, 39%, 46%.
    assert largest_remainder(100, [0, 2, 5, 6]) == [0, 15, 39, 46]


def test_ties_go_to_the_larger_weight_then_the_earlier_position():
    # 2 of [1, 3]: exact shares 0.5 and 1.5, the same remainder; the spare unit goes to the weight of 3.
    assert largest_remainder(2, [1, 3]) == [0, 2]
    assert largest_remainder(2, [3, 1]) == [2, 0]
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


@given(st.integers(0, 1000), st.lists(st.integers(0, 500), min_size=1, max_size=8).filter(any))
@example(2, [1, 3])
@example(6, [1, 3, 1, 3])
def test_the_units_left_over_go_to_the_largest_remainders(total, weights):
    """Hamilton's method, not merely shares within one of exact: each share is its exact share rounded
    down or up, and no share rounded down has a larger remainder (or, equal, a larger weight, or, equal
    again, an earlier place) than one rounded up."""
    shares = largest_remainder(total, weights)
    exact = [Fraction(total * w, sum(weights)) for w in weights]
    rounded_up = [share > e for share, e in zip(shares, exact, strict=True)]
    for share, e in zip(shares, exact, strict=True):
        assert share in (math.floor(e), math.ceil(e))
    rank = [(e - math.floor(e), w, -i) for i, (e, w) in enumerate(zip(exact, weights, strict=True))]
    up = [rank[i] for i in range(len(weights)) if rounded_up[i]]
    down = [rank[i] for i in range(len(weights)) if not rounded_up[i] and exact[i] != math.floor(exact[i])]
    if up and down:
        assert min(up) > max(down)
