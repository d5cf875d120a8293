"""Which closed cases are due for disposal under the retention schedule, and why: plain data in, plain data
out, no Django (docs/operations.md#retention-and-disposal).

A child's cohort changes over time (a child in need who comes into care, a looked after child who leaves
care), and the register holds only the latest. So a case is kept for the longest of the rules of every
cohort its record shows: its cohort now, the cohort of each of its audits, looked after if it records the
date the child started to be looked after, child protection if it records a plan or an initial conference,
care leaver if it records a pathway plan. A child once looked after keeps their record to the 75th
birthday, whatever their cohort at closure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caseaudit.core.cohorts import COHORT_SLUGS

from .schedule import Schedule


@dataclass(frozen=True)
class ClosedCase:
    """What the retention rule reads of a closed case."""

    case_id: int
    child_id: str
    closed_on: date | None
    birth_month: date | None
    cohorts: frozenset[str]  # every cohort the record shows the child in


@dataclass(frozen=True)
class Verdict:
    case_id: int
    child_id: str
    cohort: str  # the cohort whose rule keeps the case longest ("" when no date can be worked out)
    closed_on: date | None
    due_on: date | None  # None: never disposed of until the missing date is recorded
    due: bool
    why_kept: str = ""  # for a case that cannot be assessed, what is missing


def assess(case: ClosedCase, schedule: Schedule, today: date) -> Verdict:
    """Whether `case` is due for disposal on `today`: its due date is the latest of its cohorts' rules, and
    it is due on that day. A case without a closure date, or without the birth month a rule needs, is never
    due: an unknown date must not shorten a child's record."""
    cohorts = [c for c in COHORT_SLUGS if c in case.cohorts]  # highest need first, so ties keep the higher
    if case.closed_on is None:
        return _kept(case, "no closure date is recorded")
    if not cohorts:
        return _kept(case, "no cohort is recorded")
    best: tuple[date, str] | None = None
    for cohort in cohorts:
        due_on = schedule.rules[cohort].due_on(birth_month=case.birth_month, closed_on=case.closed_on)
        if due_on is None:
            return _kept(case, "no birth month is recorded")
        if best is None or due_on > best[0]:
            best = (due_on, cohort)
    assert best is not None
    due_on, cohort = best
    return Verdict(case.case_id, case.child_id, cohort, case.closed_on, due_on, due=due_on <= today)


def _kept(case: ClosedCase, why: str) -> Verdict:
    return Verdict(case.case_id, case.child_id, "", case.closed_on, None, due=False, why_kept=why)


@dataclass(frozen=True)
class Review:
    """Every closed case assessed on one day: those due, those not yet due, and those that cannot be."""

    today: date
    due: list[Verdict]
    not_yet: list[Verdict]
    undated: list[Verdict]

    def due_by_cohort(self) -> dict[str, int]:
        counts = {cohort: 0 for cohort in COHORT_SLUGS}
        for verdict in self.due:
            counts[verdict.cohort] += 1
        return {cohort: n for cohort, n in counts.items() if n}

    @property
    def next_due(self) -> date | None:
        return min((v.due_on for v in self.not_yet if v.due_on), default=None)


def review(cases: Iterable[ClosedCase], schedule: Schedule, today: date) -> Review:
    due: list[Verdict] = []
    not_yet: list[Verdict] = []
    undated: list[Verdict] = []
    for case in cases:
        verdict = assess(case, schedule, today)
        (due if verdict.due else undated if verdict.due_on is None else not_yet).append(verdict)
    due.sort(key=lambda v: (v.due_on, v.child_id))
    return Review(today, due, not_yet, undated)
