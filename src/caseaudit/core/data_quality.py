"""Implausible register data: flagged for the QA lead, never dropped and never guessed at.

A case management system's extract holds typing slips: a child looked after before they were born, a child
in need of 25, a case closed before it opened, a visit dated next year. Refusing such a row would lose the
case from the register and its audits; correcting it would be a guess. So each case is kept as the file
has it, and each problem is listed: after an import (as warnings), on the data quality page, and counted in
the committee paper's method section, so that readers know how far to trust the dates behind the figures.

`problems` finds them all at once, with polars expressions over the register's columns; a column the frame
lacks is a problem nobody can see, so its checks are left out rather than failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from .register import DATE_COLUMNS

# Children's services work with children up to 18; care leavers are supported up to 25.
CHILD_AGE_LIMIT = 18
CARE_LEAVER_AGE_LIMIT = 26


@dataclass(frozen=True)
class Problem:
    slug: str
    label: str  # a heading: "Looked after before birth"
    explanation: str  # what is implausible, and what to check in the case management system
    counted: str  # after a number of cases: "3 closed before opening"


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "looked-after-before-birth",
        "Looked after before birth",
        "The date the child started to be looked after is before the month they were born. Check both "
        "dates in the case management system.",
        "looked after before birth",
    ),
    Problem(
        "too-old-for-the-cohort",
        "Too old for the cohort",
        f"An open case of a child aged {CHILD_AGE_LIMIT} or over in a children's cohort, or a care leaver "
        f"aged {CARE_LEAVER_AGE_LIMIT} or over. Check the date of birth, and whether the case should have "
        "closed.",
        "too old for the cohort",
    ),
    Problem(
        "closed-before-opened",
        "Closed before it opened",
        "The closing date is before the opening date. Check both dates.",
        "closed before opening",
    ),
    Problem(
        "date-after-today",
        "A date after today",
        "A date of something that has already happened (an opening, a visit, a review) is after today. "
        "Check it for a typing slip.",
        "with a date after today",
    ),
)
PROBLEM_LABELS = {problem.slug: problem.label for problem in PROBLEMS}


def problems(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    """One row per case and problem, in PROBLEMS order then the frame's: child_id, problem (a slug).
    `frame` holds the register's columns as typed (dates and the birth month as pl.Date), any of them
    but child_id and cohort optional."""
    columns = set(frame.columns)
    found = [
        frame.filter(condition).select("child_id", pl.lit(slug).alias("problem"))
        for slug, condition in _conditions(columns, today)
    ]
    if not found:
        return pl.DataFrame(schema={"child_id": pl.String, "problem": pl.String})
    return pl.concat(found)


def counts(found: pl.DataFrame) -> list[tuple[Problem, int]]:
    """How many cases have each problem, in PROBLEMS order, leaving out the problems no case has."""
    by_slug = dict(found.group_by("problem").len().iter_rows())
    return [(problem, by_slug[problem.slug]) for problem in PROBLEMS if by_slug.get(problem.slug)]


def describe(found: pl.DataFrame) -> str:
    """ "3 cases have implausible data: 2 looked after before birth, 1 closed before opening", or ""."""
    listed = counts(found)
    if not listed:
        return ""
    cases = found["child_id"].n_unique()
    parts = ", ".join(f"{count:,} {problem.counted}" for problem, count in listed)
    have = "case has" if cases == 1 else "cases have"
    return f"{cases:,} {have} implausible data: {parts}"


def _conditions(columns: set[str], today: date) -> list[tuple[str, pl.Expr]]:
    """Each problem's condition the frame's columns allow, null (a date not recorded) read as no problem."""
    on = pl.lit(today, pl.Date)
    conditions: list[tuple[str, pl.Expr]] = []
    if {"looked_after_since", "birth_month"} <= columns:
        conditions.append(("looked-after-before-birth", pl.col("looked_after_since") < pl.col("birth_month")))
    if "birth_month" in columns:
        conditions.append(("too-old-for-the-cohort", _open(columns, on) & _too_old(on)))
    if {"opened_on", "closed_on"} <= columns:
        conditions.append(("closed-before-opened", pl.col("closed_on") < pl.col("opened_on")))
    dated = [c for c in DATE_COLUMNS if c in columns]
    if dated:
        conditions.append(("date-after-today", pl.any_horizontal(pl.col(c) > on for c in dated)))
    return [(slug, condition.fill_null(False)) for slug, condition in conditions]


def _open(columns: set[str], on: pl.Expr) -> pl.Expr:
    if "closed_on" not in columns:
        return pl.lit(True)
    return pl.col("closed_on").is_null() | (pl.col("closed_on") > on)


def _too_old(on: pl.Expr) -> pl.Expr:
    """Of an age past the cohort's. The register keeps the birth month only: a child is surely of an age
    once the month after their birthday's month has begun."""

    def aged(years: int) -> pl.Expr:
        return pl.col("birth_month").dt.offset_by(f"{years}y1mo") <= on

    care_leaver = pl.col("cohort") == "care-leaver"
    return (~care_leaver & aged(CHILD_AGE_LIMIT)) | (care_leaver & aged(CARE_LEAVER_AGE_LIMIT))
