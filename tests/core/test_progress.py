"""The time left on a job's page: from the rate so far, in words, never promised too early."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.progress import estimate, time_left_words


def test_the_time_left_goes_at_the_rate_so_far():
    found = estimate(rows_done=2_500, rows_total=10_000, seconds_running=50)
    assert found.seconds_left == 150  # 50 rows a second, 7,500 to go
    assert found.percent == 25


def test_nothing_is_promised_before_the_first_rows_or_seconds():
    assert estimate(0, 10_000, 30).seconds_left is None
    assert estimate(100, 10_000, 1).seconds_left is None
    assert estimate(100, None, 30).seconds_left is None
    assert estimate(100, None, 30).percent is None


def test_all_rows_done_is_nothing_left():
    assert estimate(10, 10, 0.5).seconds_left == 0
    assert estimate(12, 10, 5).percent == 100


def test_the_words():
    assert time_left_words(None) == "Working out how long this will take"
    assert time_left_words(0.2) == "Almost done"
    assert time_left_words(59) == "Less than a minute left"
    assert time_left_words(60) == "About 1 minute left"
    assert time_left_words(61) == "About 2 minutes left"
    assert time_left_words(3 * 3600) == "About 3 hours left"
    assert time_left_words(3600 * 1.5) == "About 1.5 hours left"


@given(
    done=st.integers(min_value=1, max_value=10**7),
    more=st.integers(min_value=1, max_value=10**7),
    seconds=st.floats(min_value=2, max_value=10**5),
)
def test_the_estimate_is_the_time_the_remaining_rows_take_at_the_same_rate(done, more, seconds):
    found = estimate(done, done + more, seconds)
    assert found.seconds_left is not None
    # Rows per second so far, applied to the rows to come, gives back the whole run's rate.
    assert abs((done + more) / (seconds + found.seconds_left) - done / seconds) <= 1e-6 * done / seconds
    assert 0 <= (found.percent or 0) <= 100
