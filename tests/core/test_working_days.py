"""England's working days: weekends and bank holidays skipped; scalar and vectorised sums agree."""

from datetime import date, timedelta

import holidays as holiday_calendars
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.timescale_rules import Interval
from caseaudit.core.working_days import add_working_days, england_bank_holidays, is_working_day

HOLIDAYS = england_bank_holidays(2010, 2040)
DAYS = st.dates(min_value=date(2012, 1, 1), max_value=date(2035, 12, 31))


def test_englands_bank_holidays_with_substitute_and_one_off_days():
    holidays = set(england_bank_holidays(2022, 2024))
    assert {date(2024, 12, 25), date(2024, 12, 26), date(2024, 3, 29), date(2024, 4, 1)} <= holidays
    assert date(2022, 12, 27) in holidays  # Christmas Day 2022 was a Sunday: substitute Tuesday
    assert date(2022, 9, 19) in holidays  # the Queen's funeral
    assert date(2023, 5, 8) in holidays  # the King's coronation
    assert date(2024, 1, 2) not in holidays  # Scotland's 2 January is not England's
    assert date(2024, 8, 5) not in holidays  # nor Scotland's August bank holiday


def test_holidays_are_sorted_and_bounded_by_the_years_asked():
    holidays = england_bank_holidays(2024, 2025)
    assert holidays == sorted(holidays)
    assert {day.year for day in holidays} == {2024, 2025}
    assert england_bank_holidays(2025, 2024) == []


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 1, 10), 1, date(2025, 1, 13)),  # Friday + 1: the Monday
        (date(2025, 1, 11), 1, date(2025, 1, 13)),  # Saturday + 1: the Monday, not the Tuesday
        (date(2025, 1, 12), 5, date(2025, 1, 17)),  # Sunday + 5: the Friday
        (date(2024, 12, 20), 3, date(2024, 12, 27)),  # Christmas and Boxing Day skipped
        (date(2025, 4, 17), 1, date(2025, 4, 22)),  # Good Friday and Easter Monday skipped
        (date(2025, 4, 21), 1, date(2025, 4, 22)),  # from a bank holiday Monday
        (date(2024, 12, 17), 15, date(2025, 1, 10)),  # across Christmas and New Year
        (date(2025, 3, 5), 0, date(2025, 3, 5)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days, HOLIDAYS) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2025, 1, 1), -1, HOLIDAYS)


# England's bank holidays straight from the holidays package, and a working day by its definition, for
# the properties below to check against rather than the module's own is_working_day and holiday list.
ENGLAND = frozenset(holiday_calendars.country_holidays("GB", subdiv="ENG", years=range(2010, 2041)))


def working(day: date) -> bool:
    return day.weekday() not in (5, 6) and day not in ENGLAND


def test_the_holiday_list_is_the_holidays_packages_for_england():
    assert set(HOLIDAYS) == ENGLAND
    assert is_working_day(date(2025, 1, 10), HOLIDAYS)  # a Friday
    assert not is_working_day(date(2025, 1, 11), HOLIDAYS)  # a Saturday
    assert not is_working_day(date(2025, 1, 12), HOLIDAYS)  # a Sunday
    assert not is_working_day(date(2025, 5, 5), HOLIDAYS)  # Early May bank holiday


@given(DAYS, st.integers(min_value=1, max_value=300))
def test_the_result_is_the_nth_working_day_after_the_start(start, days):
    end = add_working_days(start, days, HOLIDAYS)
    assert working(end)
    between = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
    assert sum(working(day) for day in between) == days
    for day in (start + timedelta(days=offset) for offset in range(-3, 400)):
        assert is_working_day(day, HOLIDAYS) == working(day)


@given(st.lists(DAYS, min_size=1, max_size=40), st.integers(min_value=1, max_value=120))
def test_vectorised_working_days_agree_with_the_scalar_reference(starts, days):
    column = pl.Series("start", starts, dtype=pl.Date).to_frame()
    ends = column.select(Interval(days, "working-days").expr(pl.col("start"), HOLIDAYS)).to_series()
    assert ends.to_list() == [add_working_days(start, days, HOLIDAYS) for start in starts]


@given(DAYS, st.integers(min_value=1, max_value=120))
def test_interval_after_uses_englands_holidays(start, days):
    assert Interval(days, "working-days").after(start) == add_working_days(start, days, HOLIDAYS)
