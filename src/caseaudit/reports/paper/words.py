"""Numbers in the words a committee paper uses."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from caseaudit.core.grade_tables import GradeRow

GOOD_OR_BETTER = ("good", "outstanding")
GRADE_SOURCE_WORDS = {"moderated": "moderated grades", "auditor": "auditors' grades (before moderation)"}


def plural(n: int, word: str, *, with_count: bool = False) -> str:
    text = word if n == 1 else f"{word}s"
    return f"{n} {text}" if with_count else text


def audits(n: int) -> str:
    return plural(n, "audit", with_count=True)


def percent(part: int, whole: int) -> str:
    """A whole percentage, halves rounded up (the way a reader rounds), or "none" of nothing."""
    if not whole:
        return "none"
    return f"{math.floor(100 * part / whole + 0.5)}%"


def good_or_better(row: GradeRow) -> int:
    """The share graded good or outstanding, as a whole percentage of the row's audits (halves up). The
    exact share, not the sum of the table's two rounded cells: 5 of 6 is 83%, though the cells show 67% and
    17%."""
    if not row.total:
        return 0
    good = sum(n for grade, n in zip(row.grades, row.counts, strict=True) if grade in GOOD_OR_BETTER)
    return math.floor(100 * good / row.total + 0.5)


def kappa_words(kappa: float) -> str:
    """Landis and Koch's (1977) names for strengths of agreement, as reports on rater agreement use them."""
    if kappa < 0:
        return "poor, worse than chance"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return f"{words} agreement"
    return "almost perfect agreement"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def sentence_list(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
