"""The 95% Wilson score interval, held to the textbook formula worked out here on its own, to known values,
and to properties that a constant answer such as (0, 1) cannot have."""

import math
from statistics import NormalDist

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caseaudit.core.intervals import Z_95, wilson_interval

Z = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def textbook_wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927) in the form it is usually printed, with counts rather than shares:
    (2k + z^2 -/+ z * sqrt(z^2 + 4k(n - k)/n)) / (2(n + z^2))."""
    spread = Z * math.sqrt(Z * Z + 4 * k * (n - k) / n)
    low = (2 * k + Z * Z - spread) / (2 * (n + Z * Z))
    high = (2 * k + Z * Z + spread) / (2 * (n + Z * Z))
    return low, high


def score_statistic(p0: float, k: int, n: int) -> float:
    """How far the observed share is from p0, in standard errors under p0. The Wilson interval is every p0
    that a two-sided 5% score test does not reject, so each end is where this equals z."""
    return abs(k / n - p0) / math.sqrt(p0 * (1 - p0) / n)


samples = st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def test_the_constant_is_the_normal_quantile_for_95_percent():
    quantile = NormalDist().inv_cdf(0.975)
    assert abs(Z_95 - quantile) < 1e-12
    assert abs(Z - quantile) < 1e-12


def test_the_domain_example_6_of_13_runs_from_23_to_71_percent():
    low, high = wilson_interval(6, 13)
    assert (round(low * 100), round(high * 100)) == (23, 71)
    assert low == pytest.approx(0.2321, abs=5e-5)
    assert high == pytest.approx(0.7086, abs=5e-5)
    # Not the normal approximation (the Wald interval), which gives 19% to 73% here.
    assert abs(low - 0.1905) > 0.03


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
        # Medicine 17: 857-872, table I, the score method without continuity correction, to 4 places.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_known_values(k, n, low, high):
    got = wilson_interval(k, n)
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_none_of_n_starts_at_zero_and_all_of_n_ends_at_one():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 10)[1] < 0.3
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(10, 10)[0] > 0.7


def test_no_trials_no_interval_and_nonsense_is_refused():
    assert wilson_interval(0, 0) is None
    for k, n in [(5, 4), (-1, 4), (0, -1), (-1, -1)]:
        with pytest.raises(ValueError, match="successes must lie between"):
            wilson_interval(k, n)


@given(samples)
def test_the_interval_is_the_textbook_wilson_interval(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    expected_low, expected_high = textbook_wilson(k, n)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)
    # Exactly 0 and 1 at the ends where the formula gives them, not a hair off.
    assert (low == 0.0) == (k == 0)
    assert (high == 1.0) == (k == n)


@given(samples)
def test_each_end_is_where_the_score_test_stops_rejecting(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    for end in (low, high):
        if 0 < end < 1:
            assert score_statistic(end, k, n) == pytest.approx(Z, rel=1e-6)
    # Just inside the interval the test does not reject; just outside it does.
    width = high - low
    inside = [low + width * 0.01, high - width * 0.01]
    assert all(score_statistic(p0, k, n) < Z for p0 in inside)
    outside = [p0 for p0 in (low - width * 0.01, high + width * 0.01) if 0 < p0 < 1]
    assert all(score_statistic(p0, k, n) > Z for p0 in outside)


@given(samples)
def test_the_interval_holds_the_observed_share_and_is_narrower_than_everything(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    assert 0 <= low <= k / n <= high <= 1
    assert high - low < 1
    # Never wider than the widest Wilson interval for n trials, at p = 1/2: z / sqrt(n + z^2).
    assert high - low <= Z / math.sqrt(n + Z * Z) + 1e-12


@given(samples)
@example((1, 2))
def test_the_interval_narrows_as_the_sample_grows(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    big_low, big_high = wilson_interval(4 * k, 4 * n)
    # Four times the sample at the same share: narrower by a real margin. The width falls roughly as
    # 1 / sqrt(n), so to about half; never less than a quarter narrower (the worst case is 1 of 2).
    assert big_high - big_low < (high - low) * 0.75


@given(st.integers(1, 1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_moves_with_the_count(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    if k < n:
        more_low, more_high = wilson_interval(k + 1, n)
        assert more_low > low and more_high > high
    # Mirror image: k successes is n - k failures.
    mirror_low, mirror_high = wilson_interval(n - k, n)
    assert mirror_low == pytest.approx(1 - high, abs=1e-12)
    assert mirror_high == pytest.approx(1 - low, abs=1e-12)
