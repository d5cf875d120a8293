"""Which closed cases fall due for disposal under each cohort's rule, around the boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseaudit.records.retention.due import ClosedCase, assess, review
from caseaudit.records.retention.schedule import load_schedule

SCHEDULE = load_schedule(None)  # the shipped defaults; whether confirmed does not matter here
DAY = timedelta(days=1)


def _case(cohorts, *, born: date | None, closed: date | None, case_id: int = 1) -> ClosedCase:
    return ClosedCase(case_id, f"C{case_id:05d}", closed, born, frozenset(cohorts))


@pytest.mark.parametrize("cohort", ["care-leaver", "looked-after"])
def test_looked_after_children_and_care_leavers_are_kept_to_the_75th_birthday(cohort):
    # Born some day in March 1960: the 75th birthday is taken as the last day it can be, 31 March 2035.
    case = _case({cohort}, born=date(1960, 3, 1), closed=date(1981, 6, 30))
    birthday = date(2035, 3, 31)
    assert not assess(case, SCHEDULE, birthday - DAY).due
    verdict = assess(case, SCHEDULE, birthday)
    assert verdict.due and verdict.due_on == birthday and verdict.cohort == cohort


@pytest.mark.parametrize("cohort", ["child-protection", "child-in-need"])
def test_child_in_need_and_protection_are_kept_to_the_25th_birthday_when_that_is_later(cohort):
    case = _case({cohort}, born=date(2001, 2, 1), closed=date(2015, 5, 10))  # 6 years on: 10 May 2021
    birthday = date(2026, 2, 28)  # February 2026 has 28 days
    assert not assess(case, SCHEDULE, birthday - DAY).due
    assert assess(case, SCHEDULE, birthday).due_on == birthday
    assert assess(case, SCHEDULE, birthday).due


@pytest.mark.parametrize("cohort", ["child-protection", "child-in-need"])
def test_or_to_6_years_after_closure_when_that_is_later(cohort):
    case = _case({cohort}, born=date(2001, 2, 1), closed=date(2024, 5, 10))  # 25th birthday: 28 Feb 2026
    six_years = date(2030, 5, 10)
    assert not assess(case, SCHEDULE, six_years - DAY).due
    verdict = assess(case, SCHEDULE, six_years)
    assert verdict.due and verdict.due_on == six_years


def test_a_child_once_looked_after_is_kept_to_75_whatever_their_cohort_at_closure():
    # Closed as a child in need, but an audit (or the register's dates) shows them looked after once.
    case = _case({"child-in-need", "looked-after"}, born=date(2001, 2, 1), closed=date(2015, 5, 10))
    verdict = assess(case, SCHEDULE, date(2030, 1, 1))
    assert not verdict.due
    assert (verdict.cohort, verdict.due_on) == ("looked-after", date(2076, 2, 29))


def test_a_case_without_a_birth_month_is_never_due_and_says_why():
    case = _case({"child-in-need"}, born=None, closed=date(2001, 1, 1))
    verdict = assess(case, SCHEDULE, date(2099, 1, 1))
    assert not verdict.due and verdict.due_on is None
    assert verdict.why_kept == "no birth month is recorded"


def test_an_open_case_is_never_due():
    verdict = assess(_case({"child-in-need"}, born=date(1950, 1, 1), closed=None), SCHEDULE, date(2099, 1, 1))
    assert not verdict.due and verdict.why_kept == "no closure date is recorded"


def test_a_review_sorts_cases_into_due_not_yet_and_undated():
    cases = [
        _case({"child-in-need"}, born=date(1990, 1, 1), closed=date(2010, 1, 1), case_id=1),
        _case({"care-leaver"}, born=date(1990, 1, 1), closed=date(2010, 1, 1), case_id=2),
        _case({"child-protection"}, born=None, closed=date(2010, 1, 1), case_id=3),
    ]
    found = review(cases, SCHEDULE, date(2026, 12, 4))
    assert [v.case_id for v in found.due] == [1]
    assert [v.case_id for v in found.not_yet] == [2]
    assert [v.case_id for v in found.undated] == [3]
    assert found.due_by_cohort() == {"child-in-need": 1}
    assert found.next_due == date(2065, 1, 31)
