"""Dates as they come out of case management systems and spreadsheets."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

# Excel's day 0 is 30 December 1899 once its fictional 29 February 1900 is accounted for.
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers in this range are dates from 1990 to 2100; anything else typed as a number is not a date.
EXCEL_SERIAL_RANGE = (32874, 73415)
# ASCII digits only: Python's \d also matches Arabic-Indic and other digits no spreadsheet writes.
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$", re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
# A case record's dates fall in this span; a year outside it is a typing slip, not a date to keep.
YEAR_RANGE = (1900, 2100)


def parse_date(text: str) -> date:
    """A calendar date from ISO `YYYY-MM-DD` (optionally with a midnight time, as spreadsheets write real
    dates), UK `dd/mm/yyyy` (also with `-` or `.`), or an Excel serial day number.

    Raises ValueError with a reason a person can act on."""
    value = text.strip()
    if m := _ISO.match(value):
        return _checked(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(value):
        return _checked(int(m[3]), int(m[2]), int(m[1]))
    if re.fullmatch(r"\d+(?:\.0+)?", value, re.ASCII):
        serial = int(float(value))
        low, high = EXCEL_SERIAL_RANGE
        if low <= serial <= high:
            return EXCEL_EPOCH + timedelta(days=serial)
    raise ValueError("not a date: use YYYY-MM-DD or dd/mm/yyyy")


def _checked(year: int, month: int, day: int) -> date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValueError(f"the year is out of range ({YEAR_RANGE[0]} to {YEAR_RANGE[1]})")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("no such day in the calendar") from None


def parse_month(text: str) -> date:
    """A birth month written `YYYY-MM` (or a full date, of which only the month is kept), as the first
    day of that month. The register never stores a full date of birth."""
    value = text.strip()
    try:
        if m := _MONTH.match(value):
            return _checked(int(m[1]), int(m[2]), 1)
        return parse_date(value).replace(day=1)
    except ValueError:
        raise ValueError("not a month: use YYYY-MM") from None


def format_month(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier), or the month's last day where it is
    shorter: 31 January + 1 month is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
