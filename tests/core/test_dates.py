from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.dates import format_month, parse_date, parse_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-03-01", date(2019, 3, 1)),
        ("2019-03-01 00:00:00", date(2019, 3, 1)),
        ("2019-03-01T00:00:00", date(2019, 3, 1)),
        ("01/03/2019", date(2019, 3, 1)),
        ("1/3/2019", date(2019, 3, 1)),
        ("01.03.2019", date(2019, 3, 1)),
        (" 29/02/2020 ", date(2020, 2, 29)),
        ("43525", date(2019, 3, 1)),
        ("43525.0", date(2019, 3, 1)),
    ],
)
def test_accepted_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("29/02/2019", "no such day"),
        ("2019-13-01", "no such day"),
        ("03/01/19", "not a date"),
        ("1 March 2019", "not a date"),
        ("12", "not a date"),
        ("2019-03-01 12:30:00", "not a date"),
    ],
)
def test_refused_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_uk_order_is_day_first():
    assert parse_date("02/03/2019") == date(2019, 3, 2)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_round_trips_in_both_spellings(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day


def test_months():
    assert parse_month("2007-04") == date(2007, 4, 1)
    assert parse_month("17/04/2007") == date(2007, 4, 1)
    assert format_month(date(2007, 4, 1)) == "2007-04"
    with pytest.raises(ValueError, match="not a month"):
        parse_month("2007-13")
