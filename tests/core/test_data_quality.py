"""Implausible register data, found from the dates alone: flagged, never dropped."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseaudit.core.data_quality import counts, describe, problems

TODAY = date(2026, 12, 4)


def register(*rows: dict) -> pl.DataFrame:
    columns = ("birth_month", "opened_on", "closed_on", "looked_after_since", "last_social_work_visit")
    return pl.DataFrame(
        [
            {"child_id": f"C{i}", "cohort": "looked-after", **dict.fromkeys(columns), **row}
            for i, row in enumerate(rows)
        ],
        schema={"child_id": pl.String, "cohort": pl.String, **dict.fromkeys(columns, pl.Date)},
    )


def found(frame: pl.DataFrame) -> list[tuple[str, str]]:
    return problems(frame, TODAY).rows()


def test_a_child_looked_after_before_the_birth_month():
    frame = register(
        {"birth_month": date(2020, 6, 1), "looked_after_since": date(2020, 5, 31)},
        {"birth_month": date(2020, 6, 1), "looked_after_since": date(2020, 6, 1)},  # a newborn: plausible
    )
    assert found(frame) == [("C0", "looked-after-before-birth")]


def test_too_old_for_the_cohort_counts_from_the_month_after_the_birthday_month():
    frame = register(
        # 18 in December 2026 at the latest: not yet surely 18 on 4 December.
        {"birth_month": date(2008, 12, 1)},
        # Surely 18 by 1 December 2026.
        {"birth_month": date(2008, 11, 1)},
        # The same child with the case closed: nothing to say.
        {"birth_month": date(2008, 11, 1), "closed_on": date(2026, 11, 20)},
        # A care leaver of 25 is supported; of 26, not.
        {"cohort": "care-leaver", "birth_month": date(2001, 3, 1)},
        {"cohort": "care-leaver", "birth_month": date(2000, 10, 1)},
    )
    assert found(frame) == [("C1", "too-old-for-the-cohort"), ("C4", "too-old-for-the-cohort")]


def test_closed_before_it_opened_and_a_date_after_today():
    frame = register(
        {"opened_on": date(2025, 5, 2), "closed_on": date(2025, 5, 1)},
        {"opened_on": date(2025, 5, 2), "last_social_work_visit": date(2026, 12, 5)},
        {"opened_on": date(2025, 5, 2), "last_social_work_visit": TODAY},  # today is not after today
    )
    assert found(frame) == [("C0", "closed-before-opened"), ("C1", "date-after-today")]


def test_a_register_without_the_columns_has_nothing_to_say():
    frame = pl.DataFrame({"child_id": ["C0"], "cohort": ["looked-after"]})
    assert found(frame) == []


def test_the_counts_in_words():
    frame = register(
        {
            "opened_on": date(2025, 5, 2),
            "closed_on": date(2025, 5, 1),
            "last_social_work_visit": date(2027, 1, 1),
        },
        {"opened_on": date(2025, 5, 2), "closed_on": date(2025, 5, 1)},
    )
    found_here = problems(frame, TODAY)
    assert [(problem.slug, n) for problem, n in counts(found_here)] == [
        ("closed-before-opened", 2),
        ("date-after-today", 1),
    ]
    assert describe(found_here) == (
        "2 cases have implausible data: 2 closed before opening, 1 with a date after today"
    )
    assert describe(problems(register({}), TODAY)) == ""
