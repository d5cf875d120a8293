"""Working days in England: Monday to Friday, except England's bank holidays.

Statutory timescales in children's social care count working days (Working Together to Safeguard Children
2023: an initial child protection conference within 15 working days of the strategy discussion; a child and
family assessment within 45 working days of its start). A working day is any day but a Saturday, a Sunday or
a bank holiday in England (Banking and Financial Dealings Act 1971, with the substitute days and the one-off
holidays proclaimed since, as the `holidays` package lists them).

`add_working_days` is the scalar reference; the timescale engine does the same sum for a whole column with
polars' `dt.add_business_days(n, holidays=..., roll="backward")`, and a property test holds them equal.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_calendars

SATURDAY = 5


@lru_cache(maxsize=32)
def _bank_holidays(first_year: int, last_year: int) -> tuple[date, ...]:
    calendar = holiday_calendars.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted(calendar))


def england_bank_holidays(first_year: int, last_year: int) -> list[date]:
    """England's bank holidays from 1 January `first_year` to 31 December `last_year`, oldest first,
    including substitute days (Christmas on a Saturday gives a holiday on the Monday after) and one-off
    holidays (the Queen's funeral, 19 September 2022)."""
    if first_year > last_year:
        return []
    return list(_bank_holidays(first_year, last_year))


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The `days`-th working day after `start`: "within 15 working days of 3 May" is on or before the
    date this returns for (3 May, 15). `start` itself never counts, whether it is a working day or not, so
    the first working day after a Saturday is the Monday (or the Tuesday after a bank holiday Monday).
    `days` = 0 returns `start` unchanged. `holidays` must cover every year the count passes through."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    holiday_set = holidays if isinstance(holidays, set | frozenset) else set(holidays)
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holiday_set):
            remaining -= 1
    return day
