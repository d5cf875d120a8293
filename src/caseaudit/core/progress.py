"""How far a background job has got, in words a person waiting for it reads: rows done of the total, and
the time left estimated from the rate so far. Plain Python, so the rule is tested without a database."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Fewer rows or seconds than this say too little about the rate to promise a time.
MIN_ROWS_FOR_ESTIMATE = 1
MIN_SECONDS_FOR_ESTIMATE = 2.0


@dataclass(frozen=True)
class Estimate:
    rows_done: int
    rows_total: int | None
    seconds_left: float | None  # None: too early to say, or no total to count towards

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, math.floor(100 * self.rows_done / self.rows_total))


def estimate(rows_done: int, rows_total: int | None, seconds_running: float) -> Estimate:
    """The time left if the rest goes at the rate so far. Nothing is promised before a couple of seconds
    and a first row: the first rows of a file are slower than the rest (reading its header, the register)."""
    rows_done = max(0, rows_done)
    if (
        not rows_total
        or rows_done < MIN_ROWS_FOR_ESTIMATE
        or seconds_running < MIN_SECONDS_FOR_ESTIMATE
        or rows_done >= rows_total
    ):
        left = 0.0 if rows_total and rows_done >= rows_total else None
        return Estimate(rows_done, rows_total, left)
    rate = rows_done / seconds_running
    return Estimate(rows_done, rows_total, (rows_total - rows_done) / rate)


def time_left_words(seconds: float | None) -> str:
    """'About 3 minutes left', rounded as a person would: never a false precision, never '0 minutes'."""
    if seconds is None:
        return "Working out how long this will take"
    if seconds < 1:
        return "Almost done"
    if seconds < 60:
        return "Less than a minute left"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"About {minutes} minute{'s' if minutes != 1 else ''} left"
    hours = round(seconds / 3600, 1)
    shown = f"{hours:g}"
    return f"About {shown} hour{'s' if shown != '1' else ''} left"
