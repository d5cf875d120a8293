"""Properties of the compliance engine over random case registers, against a reference written here.

`evaluate_case` runs `evaluate` on a one-row frame, so comparing the two checks the engine against itself.
Instead both are compared with `reference`: a slow, one-case-at-a-time reading of the statutory timescales
(docs/domain.md#timescales and docs/domain.md#the-checks; the defaults in core/data/timescales.yaml), in
plain Python dates, with its own calendar arithmetic and England's bank holidays taken from the `holidays`
package."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holiday_calendars
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.register import ANSWER_COLUMNS
from caseaudit.core.timescale_rules import RULE_DATE_COLUMNS
from caseaudit.core.timescales import CHECK_SLUGS, DUE_SOON_DAYS, Status, evaluate, evaluate_case, load_rules

RULES = load_rules()
COLUMNS = (*RULE_DATE_COLUMNS, "birth_month")
# The register's columns: its dates, and its yes-or-no answers ("Y", "N" or None).
EVERY_COLUMN = (*COLUMNS, *ANSWER_COLUMNS)
FIRST_DAY, LAST_DAY = date(2018, 1, 1), date(2027, 12, 31)

# --- the reference ---------------------------------------------------------------------------------------

# Every year a generated date can fall in: `near` dates reach 800 days before 1 January 2019, into 2016.
BANK_HOLIDAYS = frozenset(holiday_calendars.country_holidays("GB", subdiv="ENG", years=range(2000, 2046)))


def plus_days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def plus_weeks(day: date, n: int) -> date:
    return day + timedelta(days=7 * n)


def plus_months(day: date, n: int) -> date:
    """The same day n calendar months on, or that month's last day if it has no such day."""
    year, month = day.year, day.month + n
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plus_working_days(day: date, n: int) -> date:
    """Step a day at a time, counting only Mondays to Fridays that are not England's bank holidays. The
    start itself never counts."""
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in BANK_HOLIDAYS:
            n -= 1
    return day


def plus_years_from_first_of_month(month: date, years: int) -> date:
    return date(month.year + years, month.month, 1)


@dataclass(frozen=True)
class Check:
    """One timescale as the guidance states it, written out by hand (not read from the rules file)."""

    cohorts: tuple[str, ...]
    start: tuple[str, ...] = ()  # the first of these columns with a date
    first: object = None  # due this long after the start, until there is a latest event (or done event)
    latest: str | None = None  # the latest recurring event
    next_due: object = None  # (latest, start, birth_month, answers) -> the next due date
    done: str | None = None  # a one-off event
    ends_with: str | None = None  # the check stops applying once this has happened
    none_waiting_when_empty: bool = False
    uses_age: bool = False
    aged: tuple[int, int] | None = None  # applies only from the first age up to the second
    # Days before a due date that it is "due soon": the smaller of 14 and a third of the interval counted,
    # from the start (the first) and after the latest event (every later one).
    first_window: int = 14
    then_window: int = 14


EVERY = COHORT_SLUGS


def next_review_due(latest: date, start: date, dates: dict) -> date:
    """Where the review history gives the first review of this period of care, the latest review is the
    first (3 months) or a later one (6 months). Otherwise: a review within the first one's window was the
    first; one in the 3 months after it may be a late first or the second, and is read as the first; a
    later one is the third or later."""
    first = dates.get("first_looked_after_review")
    if first is not None and first >= start and latest >= first:
        return plus_months(latest, 3 if latest == first else 6)
    if latest <= plus_months(plus_working_days(start, 20), 3):
        return plus_months(latest, 3)
    return plus_months(latest, 6)


CHECKS: dict[str, Check] = {
    # Pathway plan reviewed at most 6 months after the latest one.
    "pathway-plan-review": Check(
        ("care-leaver",), latest="latest_pathway_plan", next_due=lambda latest, *_: plus_months(latest, 6)
    ),
    # Personal adviser in touch at least every 2 months.
    "personal-adviser-contact": Check(
        ("care-leaver",), latest="latest_contact", next_due=lambda latest, *_: plus_months(latest, 2)
    ),
    # First review within 20 working days of becoming looked after, the second 3 months after the first,
    # later ones every 6 months (next_review_due).
    "looked-after-review": Check(
        ("looked-after",),
        start=("looked_after_since",),
        first=lambda start: plus_working_days(start, 20),
        latest="latest_statutory_review",
        next_due=lambda latest, start, _, dates: next_review_due(latest, start, dates),
        first_window=9,  # 20 working days: 4 weeks
    ),
    # A visit within a week of the placement starting (or, without its date, of becoming looked after);
    # every 6 weeks in the placement's first year; then every 3 months where the placement is intended to
    # last until 18, otherwise (the register saying no, or nothing) every 6 weeks.
    "looked-after-visit": Check(
        ("looked-after",),
        start=("placement_start", "looked_after_since"),
        first=lambda start: plus_weeks(start, 1),
        latest="last_social_work_visit",
        next_due=lambda latest, start, _, answers: (
            plus_weeks(latest, 6)
            if latest <= plus_months(start, 12) or answers.get("placement_intended_until_18") != "Y"
            else plus_months(latest, 3)
        ),
        first_window=2,  # 1 week
    ),
    # School age (5 to 15) only: within 20 working days of becoming looked after, then every term (4 months).
    "personal-education-plan": Check(
        ("looked-after",),
        start=("looked_after_since",),
        first=lambda start: plus_working_days(start, 20),
        latest="latest_pep",
        next_due=lambda latest, *_: plus_months(latest, 4),
        first_window=9,
        aged=(5, 16),
    ),
    # The initial health assessment within 20 working days of becoming looked after (before the first review).
    "initial-health-assessment": Check(
        ("looked-after",),
        start=("looked_after_since",),
        first=lambda start: plus_working_days(start, 20),
        done="initial_health_assessment",
        first_window=9,
    ),
    # Every 6 months while under 5 on the 6-month date (birthday counted from the 1st of the birth month),
    # else every 12 months.
    "health-assessment": Check(
        ("looked-after",),
        latest="last_health_assessment",
        next_due=lambda latest, _, birth, __: (
            plus_months(latest, 6)
            if plus_months(latest, 6) < plus_years_from_first_of_month(birth, 5)
            else plus_months(latest, 12)
        ),
        uses_age=True,
    ),
    "dental-check": Check(
        ("looked-after",), latest="last_dental_check", next_due=lambda latest, *_: plus_months(latest, 12)
    ),
    # The initial conference within 15 working days of the strategy discussion; moot once reviewed.
    "initial-conference": Check(
        ("child-protection",),
        start=("strategy_discussion",),
        first=lambda start: plus_working_days(start, 15),
        done="initial_conference",
        ends_with="latest_review_conference",
        first_window=7,  # 15 working days: 3 weeks
    ),
    # The first core group within 10 working days of the initial conference.
    "first-core-group": Check(
        ("child-protection",),
        start=("initial_conference",),
        first=lambda start: plus_working_days(start, 10),
        done="first_core_group",
        first_window=4,
    ),
    # The first review conference within 3 months of the initial conference (or the plan's start), then
    # every 6 months.
    "review-conference": Check(
        ("child-protection",),
        start=("initial_conference", "cp_plan_start"),
        first=lambda start: plus_months(start, 3),
        latest="latest_review_conference",
        next_due=lambda latest, *_: plus_months(latest, 6),
    ),
    # A visit every 10 working days from the start of the plan.
    "child-protection-visit": Check(
        ("child-protection",),
        start=("cp_plan_start", "initial_conference"),
        first=lambda start: plus_working_days(start, 10),
        latest="last_statutory_visit",
        next_due=lambda latest, *_: plus_working_days(latest, 10),
        first_window=4,  # 10 working days: 2 weeks
        then_window=4,
    ),
    # The child and family assessment completed within 45 working days of the referral (or its start).
    "assessment-completion": Check(
        ("child-in-need",),
        start=("referral_date", "assessment_start"),
        first=lambda start: plus_working_days(start, 45),
        done="assessment_completed",
    ),
    # Every event written up within 5 working days: the register holds the oldest one still waiting.
    "case-recording": Check(
        EVERY,
        start=("recording_backlog_since",),
        first=lambda start: plus_working_days(start, 5),
        none_waiting_when_empty=True,
        first_window=2,  # 5 working days: 1 week
    ),
    # Discussed in supervision at least every 4 weeks.
    "supervision": Check(
        EVERY, latest="last_supervision", next_due=lambda latest, *_: plus_weeks(latest, 4), then_window=9
    ),
}


def reference(dates: dict[str, date | None], cohort: str, as_of: date) -> list[tuple]:
    """(check, due date, status, days overdue) for each check of the cohort, in report order. A column
    missing from `dates` is one the register lacks; a None is a date not recorded. `dates` holds the
    register's yes-or-no answers too."""
    rows = []
    for slug in (s for s in CHECK_SLUGS if s in CHECKS):  # the rules shipped off are not checked
        check = CHECKS[slug]
        if cohort not in check.cohorts:
            continue
        start = next((dates[c] for c in check.start if dates.get(c) is not None), None)

        def since_start(column, start=start, check=check):
            """The event's date, if recorded and (for a check with a start) not before the start: an earlier
            one belongs to an earlier episode."""
            day = dates.get(column) if column else None
            if day is None or not check.start:
                return day
            return day if start is not None and day >= start else None

        latest, done = since_start(check.latest), since_start(check.done)
        ended = dates.get(check.ends_with) if check.ends_with else None
        if ended is not None and start is not None and ended < start:
            ended = None  # a review conference of an earlier plan
        closed = dates.get("closed_on")
        birth = dates.get("birth_month")
        out_of_age = (
            check.aged is not None
            and birth is not None
            and not (
                plus_years_from_first_of_month(birth, check.aged[0])
                <= as_of
                < plus_years_from_first_of_month(birth, check.aged[1])
            )
        )
        if ended is not None or out_of_age or (closed is not None and closed <= as_of):
            rows.append((slug, None, Status.NOT_APPLICABLE, None))
            continue

        lacks_column = any(c is not None and c not in dates for c in (check.latest, check.done))
        if check.none_waiting_when_empty:
            missing = not any(c in dates for c in check.start)
        elif check.start:
            missing = start is None
        else:
            missing = latest is None
        if check.uses_age and latest is not None and dates.get("birth_month") is None:
            missing = True
        if check.aged is not None and dates.get("birth_month") is None:
            missing = True
        if lacks_column or missing:
            rows.append((slug, None, Status.DATA_MISSING, None))
            continue
        if check.none_waiting_when_empty and start is None:
            rows.append((slug, None, Status.COMPLIANT, None))  # nothing waiting to be written up
            continue

        due = check.next_due(latest, start, dates.get("birth_month"), dates) if latest else check.first(start)
        if done is not None:  # a one-off event that happened: done, however late (the lateness is kept apart)
            late = 0
            status = Status.COMPLIANT
        else:
            late = (as_of - due).days
            if late > 0:
                status = Status.OVERDUE
            elif (due - as_of).days <= (check.then_window if latest else check.first_window):
                status = Status.DUE_SOON
            else:
                status = Status.COMPLIANT
        rows.append((slug, due, status, late if status is Status.OVERDUE else None))
    return rows


# --- generated registers -----------------------------------------------------------------------------------


# Days back from the as-of date at which a due date falls near it: the checks' intervals, in days.
_INTERVAL_DAYS = (7, 14, 21, 28, 42, 61, 63, 91, 92, 183, 184, 365, 366)


@st.composite
def registers(draw):
    """Some cases, the register's columns (often all of them; else a random subset, as older extracts lack
    some), and an as-of date. Dates cluster around the as-of date, as a live register's do, many of them
    one of the checks' intervals back, or up to 16 days less, so that due dates fall on both sides of
    the as-of date and of the due-soon window's end. Birth months are firsts of months, as the register
    keeps them; most cases are open."""
    as_of = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)))

    def back(days: int) -> date:
        return as_of - timedelta(days=days)

    near = st.integers(min_value=-60, max_value=800).map(back)
    on_the_edge = st.builds(
        lambda interval, slack: back(interval + slack),
        st.sampled_from(_INTERVAL_DAYS),
        st.integers(min_value=-16, max_value=3),
    )
    anywhere = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
    day = st.one_of(st.none(), near, on_the_edge, on_the_edge, on_the_edge, anywhere)
    closed = st.one_of(st.none(), st.none(), st.none(), near)
    month = st.none() | st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 1)).map(
        lambda d: d.replace(day=1)
    )
    answer = st.sampled_from([None, "Y", "N"])
    strategies = {"birth_month": month, "closed_on": closed, **dict.fromkeys(ANSWER_COLUMNS, answer)}
    every_column = st.just(list(EVERY_COLUMN))
    some_columns = st.lists(st.sampled_from(EVERY_COLUMN), unique=True)
    columns = draw(st.one_of(every_column, every_column, some_columns))
    cases = draw(
        st.lists(
            st.fixed_dictionaries(
                {"cohort": st.sampled_from(COHORT_SLUGS), **{c: strategies.get(c, day) for c in columns}}
            ),
            min_size=1,
            max_size=6,
        )
    )
    return columns, cases, as_of


def frame_of(columns, cases):
    data = {
        "child_id": [f"C{index:03d}" for index in reversed(range(len(cases)))],  # not in sorted order
        "cohort": [case["cohort"] for case in cases],
        **{
            column: pl.Series(
                [case[column] for case in cases], dtype=pl.String if column in ANSWER_COLUMNS else pl.Date
            )
            for column in columns
        },
    }
    return pl.DataFrame(data)


def test_the_reference_knows_every_check_of_the_rules_and_their_cohorts():
    assert [rule.slug for rule in RULES.rules] == [s for s in CHECK_SLUGS if s in CHECKS] == list(CHECKS)
    assert {rule.slug for rule in RULES.off} == set(CHECK_SLUGS) - set(CHECKS)
    for rule in RULES.rules:
        assert set(rule.cohorts) == set(CHECKS[rule.slug].cohorts), rule.slug


def test_the_reference_arithmetic_on_known_days():
    assert plus_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert plus_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert plus_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert plus_months(date(2025, 3, 31), -13) == date(2024, 2, 29)
    assert plus_working_days(date(2024, 12, 17), 15) == date(2025, 1, 10)  # over Christmas and New Year
    assert plus_working_days(date(2025, 4, 14), 10) == date(2025, 4, 30)  # over Easter
    assert plus_working_days(date(2025, 1, 11), 1) == date(2025, 1, 13)  # from a Saturday
    assert date(2022, 9, 19) in BANK_HOLIDAYS and date(2022, 12, 27) in BANK_HOLIDAYS
    # From Boxing Day 2016, over the substitute days for Christmas (the 27th) and New Year (2 January).
    assert plus_working_days(date(2016, 12, 26), 5) == date(2017, 1, 4)


# A few worked cases, one per cohort and one closed, tried on every run as well as the generated ones.
_AS_OF = date(2025, 1, 20)
_ALL_NONE = dict.fromkeys(COLUMNS)


@settings(max_examples=150, deadline=None)
@given(registers())
@example(
    (
        list(COLUMNS),
        [
            _ALL_NONE | {"cohort": "looked-after", "looked_after_since": date(2024, 12, 13)},
            _ALL_NONE
            | {
                "cohort": "looked-after",
                "looked_after_since": date(2025, 1, 10),
                "latest_statutory_review": date(2025, 2, 3),
                "last_social_work_visit": date(2025, 1, 12),
                "last_health_assessment": date(2024, 7, 20),
                "birth_month": date(2020, 6, 1),
            },
            _ALL_NONE
            | {
                "cohort": "child-protection",
                "strategy_discussion": date(2024, 12, 17),
                "initial_conference": date(2025, 1, 13),
                "cp_plan_start": date(2025, 1, 13),
                "last_statutory_visit": date(2025, 1, 6),
            },
            _ALL_NONE
            | {
                "cohort": "child-in-need",
                "assessment_start": date(2024, 11, 4),
                "recording_backlog_since": date(2025, 1, 14),
                "last_supervision": date(2024, 12, 23),
                "closed_on": date(2025, 1, 21),
            },
            _ALL_NONE | {"cohort": "care-leaver", "latest_pathway_plan": date(2024, 7, 31)},
            _ALL_NONE | {"cohort": "early-help", "closed_on": _AS_OF},
        ],
        _AS_OF,
    )
)
# A backlog from Boxing Day 2016: the reference once knew no bank holidays before 2017.
@example(
    (
        list(COLUMNS),
        [_ALL_NONE | {"cohort": "care-leaver", "recording_backlog_since": date(2016, 12, 26)}],
        date(2019, 3, 1),
    )
)
def test_evaluate_and_evaluate_case_match_the_reference(register):
    columns, cases, as_of = register
    results = evaluate(frame_of(columns, cases), RULES, as_of)
    by_child = results.partition_by("child_id", as_dict=True)
    for index, case in enumerate(cases):
        dates = {c: case[c] for c in columns if c not in ANSWER_COLUMNS}
        answers = {c: case[c] for c in columns if c in ANSWER_COLUMNS}
        expected = reference(dates | answers, case["cohort"], as_of)
        child_id = f"C{len(cases) - 1 - index:03d}"
        rows = by_child[(child_id,)].select("check", "due_date", "status", "days_overdue").rows()
        assert rows == [(c, due, status.value, late) for c, due, status, late in expected], dates
        single = evaluate_case(dates, case["cohort"], RULES, as_of, answers)
        assert [(r.check, r.due_date, r.status, r.days_overdue) for r in single] == expected, dates


_STARTS = (
    "looked_after_since",
    "placement_start",
    "referral_date",
    "strategy_discussion",
    "cp_plan_start",
    "assessment_start",
)
_EVENTS = tuple(c for c in RULE_DATE_COLUMNS if c not in (*_STARTS, "opened_on", "closed_on"))


def _shapes(anchor: date) -> list[dict[str, date | None]]:
    """Cases whose dates all hang on one day, in the shapes the timescales tell apart."""
    none = dict.fromkeys(EVERY_COLUMN)

    def turning_5_in(months: int) -> date:
        """The birth month of a child whose 5th birthday falls in the month `months` after the anchor."""
        month = plus_months(anchor, months)
        return date(month.year - 5, month.month, 1)

    return [
        # Every date on the day: each latest event counts (it is not before the start), a one-off event
        # happened on the day its timescale started, a child of 4 (6-monthly health assessments).
        none
        | dict.fromkeys(RULE_DATE_COLUMNS, anchor)
        | {"closed_on": None, "birth_month": turning_5_in(12)},
        # Only the starts: the first of everything is due from them; a child of 10.
        none | dict.fromkeys(_STARTS, anchor) | {"birth_month": turning_5_in(-60)},
        # Started 40 days earlier: events after the first review's window, within the first year; a one-off
        # event 40 days after its start (late for 15 working days, not for 45); a child who is 5 by the
        # first of the month the 6-month date falls in (12-monthly: on the 1st, the boundary itself).
        none
        | dict.fromkeys(_STARTS, anchor - timedelta(days=40))
        | dict.fromkeys(_EVENTS, anchor)
        | {"birth_month": turning_5_in(6)},
        # Started 400 days earlier: visits after the placement's first year, in a placement intended to
        # last until 18 (3-monthly), one not (6-weekly) and one the register says nothing of (6-weekly); a
        # child who is 5 the month after the 6-month date (6-monthly).
        *(
            none
            | dict.fromkeys(_STARTS, anchor - timedelta(days=400))
            | dict.fromkeys(_EVENTS, anchor)
            | {"birth_month": turning_5_in(7), "placement_intended_until_18": answer}
            for answer in ("Y", "N", None)
        ),
        # Events of an earlier episode, a month before the start: they do not count.
        none | dict.fromkeys(_STARTS, anchor) | dict.fromkeys(_EVENTS, anchor - timedelta(days=30)),
        # Events on the last day of their window from the start, then a day later: the review still the
        # first one, the visit still in the first year, the conference and the assessment just in time.
        *(
            none
            | dict.fromkeys(_STARTS, anchor)
            | {
                "latest_statutory_review": plus_days(plus_working_days(anchor, 20), late),
                "last_social_work_visit": plus_days(plus_months(anchor, 12), late),
                "initial_conference": plus_days(plus_working_days(anchor, 15), late),
                "initial_health_assessment": plus_days(plus_working_days(anchor, 20), late),
                "assessment_completed": plus_days(plus_working_days(anchor, 45), late),
            }
            for late in (0, 1)
        ),
        # The first core group on the last day of its 10 working days from the initial conference, then a
        # day later.
        *(
            none
            | dict.fromkeys(_STARTS, anchor)
            | {
                "initial_conference": anchor,
                "first_core_group": plus_days(plus_working_days(anchor, 10), late),
            }
            for late in (0, 1)
        ),
        # A review on the last day it could be an on-time second review, then a day later (the third).
        *(
            none
            | dict.fromkeys(_STARTS, anchor)
            | {"latest_statutory_review": plus_days(plus_months(plus_working_days(anchor, 20), 3), late)}
            for late in (0, 1)
        ),
        # The review history known: the latest review was a first review held 5 months late (the next due
        # 3 months on, not the inferred 6), the second held in the first one's window's 3 months (6 months
        # on, not the inferred 3), or a first review of an earlier period of care (ignored: inferred).
        *(
            none
            | dict.fromkeys(_STARTS, anchor)
            | {"latest_statutory_review": latest, "first_looked_after_review": first}
            for latest, first in (
                (plus_months(anchor, 6), plus_months(anchor, 6)),
                (plus_months(anchor, 2), plus_days(anchor, 20)),
                (plus_months(anchor, 2), plus_days(anchor, -20)),
            )
        ),
    ]


@pytest.mark.parametrize(
    "as_of",
    [
        date(2025, 1, 2),  # after Christmas and New Year
        date(2024, 3, 1),  # the day after a leap day
        date(2026, 4, 7),  # Easter
    ],
)
def test_every_day_of_a_year_and_more_before_the_as_of_date_matches_the_reference(as_of):
    """Each shape of case anchored on every day from 3 weeks after `as_of` to 400 days before it, so that
    every boundary (due soon, due today, overdue by a day, month ends, bank holidays) is crossed."""
    cases = [
        {"cohort": cohort, **dates}
        for offset in range(-21, 400)
        for dates in _shapes(as_of - timedelta(days=offset))
        for cohort in COHORT_SLUGS
    ]
    results = evaluate(frame_of(list(EVERY_COLUMN), cases), RULES, as_of)
    expected = [
        (f"C{len(cases) - 1 - index:03d}", *row)
        for index, case in enumerate(cases)
        for row in reference({c: case[c] for c in EVERY_COLUMN}, case["cohort"], as_of)
    ]
    got = results.select("child_id", "check", "due_date", "status", "days_overdue").rows()
    expected = [(child, check, due, status.value, late) for child, check, due, status, late in expected]
    assert len(got) == len(expected)
    wrong = [(g, e) for g, e in zip(sorted(got), sorted(expected), strict=True) if g != e]
    assert not wrong, f"{len(wrong)} rows differ from the reference, such as {wrong[:3]}"
    statuses = {row[3] for row in got}
    assert statuses == {s.value for s in Status}, "the sweep no longer reaches every status"


@settings(max_examples=150, deadline=None)
@given(registers())
def test_every_status_fits_its_numbers(register):
    columns, cases, as_of = register
    results = evaluate(frame_of(columns, cases), RULES, as_of)
    assert results["child_id"].is_sorted()
    assert results.height == sum(len(RULES.for_cohort(case["cohort"])) for case in cases)
    for row in results.iter_rows(named=True):
        status, due, late = Status(row["status"]), row["due_date"], row["days_overdue"]
        rule = RULES.get(row["check"])
        assert row["cohort"] in rule.cohorts
        # Only a one-off event that happened can have been late, and it is done: compliant.
        if row["days_late"] is not None:
            assert rule.done is not None and status is Status.COMPLIANT and row["days_late"] > 0
        if status in (Status.NOT_APPLICABLE, Status.DATA_MISSING):
            assert due is None and late is None
            continue
        if rule.empty_start_means_none_waiting and due is None:  # nothing waiting: nothing can be late
            assert status is Status.COMPLIANT and late is None
            continue
        assert due is not None
        assert (late is not None and late > 0) == (status is Status.OVERDUE)
        if rule.done is None:  # a one-off event that happened is judged on the day it happened
            assert late is None or late == (as_of - due).days
            # Each interval of the rule has its own window, never more than DUE_SOON_DAYS.
            intervals = (rule.first, *(step.every for step in rule.then))
            windows = [rule.due_soon_days(interval) for interval in intervals if interval is not None]
            if status is Status.DUE_SOON:
                assert 0 <= (due - as_of).days <= max(windows) <= DUE_SOON_DAYS
            if status is Status.COMPLIANT:
                assert (due - as_of).days > min(windows)
    order = {slug: rank for rank, slug in enumerate(CHECK_SLUGS)}
    for _, group in results.group_by("child_id"):
        ranks = [order[check] for check in group["check"]]
        assert ranks == sorted(ranks)
