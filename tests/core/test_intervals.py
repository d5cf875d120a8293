import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.intervals import wilson_interval


def test_the_domain_example_6_of_13_runs_from_23_to_71_percent():
    low, high = wilson_interval(6, 13)
    assert (round(low * 100), round(high * 100)) == (23, 71)


def test_none_of_n_starts_at_zero_and_all_of_n_ends_at_one():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_no_trials_no_interval_and_nonsense_is_refused():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_narrows_as_the_sample_grows(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    big_low, big_high = wilson_interval(4 * k, 4 * n)
    assert big_high - big_low <= high - low + 1e-12
