"""Reviews read exactly from their history (reg 33): first within 20 working days of becoming looked
after, second within 3 months of the first, then every 6 months; each from the review before, held on
whatever day it was."""

from __future__ import annotations

from datetime import date

from caseaudit.core.review_history import held_late_since, reviews_in_care
from caseaudit.core.working_days import england_bank_holidays

HOLIDAYS = england_bank_holidays(2024, 2028)


def test_each_review_is_numbered_with_its_due_date_and_the_next_follows():
    reviews = reviews_in_care(
        date(2025, 12, 1), [date(2025, 12, 22), date(2026, 3, 20), date(2026, 9, 18)], HOLIDAYS
    )
    # 20 working days from Monday 1 December 2025, past Christmas Day and Boxing Day: 31 December.
    assert [(r.number, r.due_on, r.held_on, r.on_time) for r in reviews] == [
        (1, date(2025, 12, 31), date(2025, 12, 22), True),
        (2, date(2026, 3, 22), date(2026, 3, 20), True),
        (3, date(2026, 9, 20), date(2026, 9, 18), True),
        (4, date(2027, 3, 18), None, False),
    ]


def test_a_late_first_review_is_the_first_and_the_second_counts_from_it():
    # Held on 2 February, 23 working days in: late. The second is due 3 months after it, not 6.
    first, second, upcoming = reviews_in_care(
        date(2025, 12, 1), [date(2026, 2, 2), date(2026, 5, 1)], HOLIDAYS
    )
    assert (first.on_time, first.days_late) == (False, 33)
    assert (second.due_on, second.on_time) == (date(2026, 5, 2), True)
    assert upcoming.due_on == date(2026, 11, 1)


def test_reviews_of_an_earlier_period_of_care_are_left_out_and_a_day_counts_once():
    reviews = reviews_in_care(
        date(2026, 1, 5), [date(2025, 6, 1), date(2026, 1, 20), date(2026, 1, 20)], HOLIDAYS
    )
    assert [(r.number, r.held_on) for r in reviews] == [(1, date(2026, 1, 20)), (2, None)]


def test_a_late_review_stays_a_breach_when_the_next_is_on_time():
    reviews = reviews_in_care(
        date(2025, 1, 6), [date(2025, 2, 3), date(2025, 6, 2), date(2025, 12, 1)], HOLIDAYS
    )
    late = held_late_since(reviews, date(2025, 1, 1))
    assert [(r.number, r.days_late) for r in late] == [(2, 30)]  # due 3 May, held 2 June
    assert held_late_since(reviews, date(2025, 7, 1)) == []
