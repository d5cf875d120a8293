"""A looked after child's reviews read exactly from their history (Care Planning, Placement and Case Review
(England) Regulations 2010, reg 33): the first within 20 working days of becoming looked after, the second
within 3 months of the first, then every 6 months. Where the register holds only the latest review
(Annex A), the timescale rules read it the stricter way; where a return brings every review, each one is
numbered, given its due date and found on time or late, and the next one's due date follows. Django-free."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from .dates import add_months
from .working_days import add_working_days

FIRST_WITHIN_WORKING_DAYS = 20
SECOND_WITHIN_MONTHS = 3
THEN_EVERY_MONTHS = 6


@dataclass(frozen=True)
class Review:
    number: int  # 1 for the first review of the period of care
    due_on: date
    held_on: date | None  # None: the next review, not yet held

    @property
    def days_late(self) -> int:
        return max((self.held_on - self.due_on).days, 0) if self.held_on else 0

    @property
    def on_time(self) -> bool:
        return self.held_on is not None and self.held_on <= self.due_on


def reviews_in_care(
    looked_after_since: date, held: Sequence[date], holidays: Collection[date]
) -> list[Review]:
    """Each review held since the period of care began, in order, with the date it was due by, and last
    the next review (not yet held) with its due date. Reviews before the period began belong to an earlier
    one and are left out; two on one day are one review."""
    reviews: list[Review] = []
    due = add_working_days(looked_after_since, FIRST_WITHIN_WORKING_DAYS, holidays)
    for number, held_on in enumerate(sorted({d for d in held if d >= looked_after_since}), start=1):
        reviews.append(Review(number, due, held_on))
        # Each review's timescale runs from the one before, held on whatever day it was.
        due = add_months(held_on, SECOND_WITHIN_MONTHS if number == 1 else THEN_EVERY_MONTHS)
    reviews.append(Review(len(reviews) + 1, due, None))
    return reviews


def held_late_since(reviews: Sequence[Review], since: date) -> list[Review]:
    """The reviews held late on or after `since`: breaches in a period, a fact that stays when a later
    review is on time."""
    return [r for r in reviews if r.held_on is not None and r.held_on >= since and not r.on_time]
