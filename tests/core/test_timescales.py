"""The compliance engine: each default rule on its own, the status boundaries, and the frame interface."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from caseaudit.core.dates import add_months
from caseaudit.core.timescale_rules import RULE_DATE_COLUMNS, merge_rules, parse_rules
from caseaudit.core.timescales import (
    CHECK_SLUGS,
    DUE_SOON_DAYS,
    Status,
    evaluate,
    evaluate_case,
    load_rules,
    summarise,
)

RULES = load_rules()


def check(slug, cohort, as_of, answers=None, **dates):
    """The result of one check for a case of the register with these dates (the others not recorded) and
    these yes-or-no answers."""
    recorded = {column: None for column in (*RULE_DATE_COLUMNS, "birth_month")} | dates
    return next(r for r in evaluate_case(recorded, cohort, RULES, as_of, answers) if r.check == slug)


def outcome(slug, cohort, as_of, **dates):
    result = check(slug, cohort, as_of, **dates)
    return result.status, result.due_date, result.days_overdue


# --- the status boundaries (supervision: 4 weeks after the last) -----------------------------------------

AS_OF = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("due_in", "status", "days_overdue"),
    [
        (0, Status.DUE_SOON, None),  # due today
        (DUE_SOON_DAYS, Status.DUE_SOON, None),
        (DUE_SOON_DAYS + 1, Status.COMPLIANT, None),
        (-1, Status.OVERDUE, 1),  # due yesterday
        (-30, Status.OVERDUE, 30),
    ],
)
def test_due_soon_and_overdue_boundaries(due_in, status, days_overdue):
    # A pathway plan every 6 months: a third of it is more than 14 days, so the window is 14 days.
    due = AS_OF + timedelta(days=due_in)
    latest = add_months(due, -6)
    assert outcome("pathway-plan-review", "care-leaver", AS_OF, latest_pathway_plan=latest) == (
        status,
        due,
        days_overdue,
    )


@pytest.mark.parametrize(
    ("slug", "cohort", "dates", "due_in", "status"),
    [
        # A child protection visit every 10 working days: due soon only in its last 4 days, so a visit
        # made last Friday (due in 10 days) or on Monday a week ago (due in 6) is compliant.
        (
            "child-protection-visit",
            "child-protection",
            {"last_statutory_visit": date(2026, 3, 6)},
            10,
            "compliant",
        ),
        (
            "child-protection-visit",
            "child-protection",
            {"last_statutory_visit": date(2026, 3, 2)},
            6,
            "compliant",
        ),
        (
            "child-protection-visit",
            "child-protection",
            {"last_statutory_visit": date(2026, 3, 1)},
            3,
            "due-soon",
        ),
        # Supervision every 4 weeks: a window of 9 days.
        ("supervision", "early-help", {"last_supervision": date(2026, 2, 19)}, 9, "due-soon"),
        ("supervision", "early-help", {"last_supervision": date(2026, 2, 20)}, 10, "compliant"),
    ],
)
def test_due_soon_fits_the_rules_interval(slug, cohort, dates, due_in, status):
    result = check(slug, cohort, AS_OF, cp_plan_start=date(2026, 1, 5), **dates)
    assert ((result.due_date - AS_OF).days, result.status.value) == (due_in, status)


def test_a_rule_may_set_its_own_due_soon_window():
    rules = merge_rules(
        parse_rules(
            """
version: 1
name: Local
rules:
  - slug: supervision
    label: Supervision
    kind: local
    description: Every 4 weeks, flagged a fortnight ahead.
    latest: last_supervision
    then:
      - every: 4 weeks
    due_soon: 2 weeks
""",
            "local.yaml",
        ),
        None,
    )
    rule = rules.get("supervision")
    assert rule.due_soon_days(rule.then[0].every) == 14


# --- each rule ----------------------------------------------------------------------------------------------


def test_pathway_plan_review_six_calendar_months_after_the_latest_plan():
    plan = date(2026, 5, 3)
    assert outcome("pathway-plan-review", "care-leaver", date(2026, 11, 10), latest_pathway_plan=plan) == (
        Status.OVERDUE,
        date(2026, 11, 3),
        7,
    )
    result = check("pathway-plan-review", "care-leaver", date(2026, 6, 1), latest_pathway_plan=plan)
    assert (result.status, result.anchor_label, result.kind) == (
        Status.COMPLIANT,
        "latest pathway plan 3 May 2026",
        "statutory",
    )


@pytest.mark.parametrize(
    ("plan", "due"),
    [
        (date(2025, 8, 31), date(2026, 2, 28)),  # the month is shorter: its last day
        (date(2023, 8, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), date(2024, 8, 29)),
    ],
)
def test_pathway_plan_month_ends(plan, due):
    assert check("pathway-plan-review", "care-leaver", plan, latest_pathway_plan=plan).due_date == due


def test_pathway_plan_missing_is_data_missing_never_a_guess():
    result = check("pathway-plan-review", "care-leaver", AS_OF, latest_pathway_plan=None)
    assert (result.status, result.due_date, result.anchor_label) == (
        Status.DATA_MISSING,
        None,
        "not recorded: latest pathway plan",
    )
    # An older Annex A without the column at all: the same.
    assert evaluate_case({}, "care-leaver", RULES, AS_OF)[0].status is Status.DATA_MISSING


def test_a_sequence_whose_latest_event_column_is_absent_is_data_missing_not_due_from_the_start():
    dates = {"looked_after_since": date(2026, 3, 2)}  # no latest_statutory_review column at all
    result = next(
        r for r in evaluate_case(dates, "looked-after", RULES, AS_OF) if r.check == "looked-after-review"
    )
    assert (result.status, result.anchor_label) == (
        Status.DATA_MISSING,
        "not recorded: latest looked after review",
    )


def test_personal_adviser_contact_every_two_months():
    assert outcome(
        "personal-adviser-contact", "care-leaver", date(2026, 1, 5), latest_contact=date(2025, 12, 31)
    ) == (
        Status.COMPLIANT,
        date(2026, 2, 28),
        None,
    )


def test_looked_after_review_first_within_20_working_days():
    # 13 December 2024 + 20 working days, skipping Christmas, Boxing Day and New Year's Day.
    result = check(
        "looked-after-review", "looked-after", date(2025, 1, 20), looked_after_since=date(2024, 12, 13)
    )
    assert (result.status, result.due_date, result.days_overdue) == (Status.OVERDUE, date(2025, 1, 15), 5)
    assert result.anchor_label == "started to be looked after 13 December 2024"


def test_looked_after_review_second_within_3_months_of_the_first():
    dates = {"looked_after_since": date(2025, 1, 10), "latest_statutory_review": date(2025, 2, 3)}
    assert check("looked-after-review", "looked-after", date(2025, 3, 1), **dates).due_date == date(
        2025, 5, 3
    )


# Reg 33: the first review "within 20 working days of the date on which C becomes looked after", the second
# "not more than three months after the date of the first review", later ones "not more than six months"
# after the one before. Becoming looked after on 10 January 2025, the 20th working day is 7 February, and 3
# months after that is 7 May. The register holds only the latest review.
STRICTER = "could be a late first review or the second: it is read as the first"


@pytest.mark.parametrize(
    ("review", "due", "read_as_first"),
    [
        (date(2025, 2, 7), date(2025, 5, 7), False),  # on the 20th working day: the first review
        (date(2025, 2, 10), date(2025, 5, 10), True),  # a late first review or an early second
        (date(2025, 5, 7), date(2025, 8, 7), True),  # the last day the second could be on time
        (date(2025, 5, 8), date(2025, 11, 8), False),  # later: the third or later, every 6 months
    ],
)
def test_looked_after_review_read_the_stricter_way_where_it_may_be_the_first_or_the_second(
    review, due, read_as_first
):
    dates = {"looked_after_since": date(2025, 1, 10), "latest_statutory_review": review}
    result = check("looked-after-review", "looked-after", date(2025, 5, 9), **dates)
    assert result.due_date == due
    assert (STRICTER in result.interval_note) == read_as_first


def test_a_review_before_becoming_looked_after_again_belongs_to_the_earlier_episode():
    dates = {"looked_after_since": date(2025, 6, 2), "latest_statutory_review": date(2024, 12, 1)}
    result = check("looked-after-review", "looked-after", date(2025, 6, 3), **dates)
    assert (result.due_date, result.anchor_label) == (
        date(2025, 6, 30),
        "started to be looked after 2 June 2025",
    )


def test_looked_after_review_without_the_start_date_is_data_missing():
    result = check("looked-after-review", "looked-after", AS_OF, latest_statutory_review=date(2026, 1, 5))
    assert (result.status, result.anchor_label) == (
        Status.DATA_MISSING,
        "not recorded: started to be looked after",
    )


# Reg 28: "within one week of the start of the placement", "at intervals of not more than six weeks for the
# first year of the placement", and thereafter "where the placement is intended to last until C is 18, at
# intervals of not more than three months" and "in any other case, at intervals of not more than six weeks".
@pytest.mark.parametrize(
    ("visit", "long_term", "due"),
    [
        (None, "Y", date(2025, 1, 17)),  # within 1 week of the placement starting
        (date(2025, 6, 2), "Y", date(2025, 7, 14)),  # in the first year: 6 weeks, whatever the plan
        (date(2026, 1, 10), "Y", date(2026, 2, 21)),  # the last day of the first year is still in it
        (date(2026, 1, 12), "Y", date(2026, 4, 12)),  # after it, a placement until 18: 3 months
        (date(2026, 1, 12), "N", date(2026, 2, 23)),  # after it, any other placement: 6 weeks
        (date(2026, 1, 12), None, date(2026, 2, 23)),  # the register does not say: 6 weeks, the stricter
    ],
)
def test_looked_after_visits_count_from_the_placement(visit, long_term, due):
    dates = {
        "looked_after_since": date(2019, 3, 4),
        "placement_start": date(2025, 1, 10),
        "last_social_work_visit": visit,
    }
    answers = {"placement_intended_until_18": long_term}
    result = check("looked-after-visit", "looked-after", date(2025, 1, 11), answers, **dates)
    assert result.due_date == due


def test_a_visit_before_the_placement_started_does_not_count():
    dates = {
        "looked_after_since": date(2019, 3, 4),
        "placement_start": date(2025, 12, 22),
        "last_social_work_visit": date(2025, 12, 19),  # at the previous placement
    }
    result = check("looked-after-visit", "looked-after", date(2026, 1, 5), **dates)
    # Within 1 week of the placement starting, over Christmas: calendar days, not working days.
    assert (result.status, result.due_date, result.days_overdue) == (Status.OVERDUE, date(2025, 12, 29), 7)
    assert result.anchor_label == "current placement started 22 December 2025"


def test_a_visit_on_the_day_the_placement_starts_counts():
    dates = {"looked_after_since": date(2025, 3, 3), "placement_start": date(2025, 3, 3)}
    result = check(
        "looked-after-visit",
        "looked-after",
        date(2025, 3, 4),
        last_social_work_visit=date(2025, 3, 3),
        **dates,
    )
    assert (result.status, result.due_date) == (Status.COMPLIANT, date(2025, 4, 14))


def test_without_a_placement_start_the_visits_count_from_becoming_looked_after():
    dates = {"looked_after_since": date(2025, 1, 10), "last_social_work_visit": None}
    result = check("looked-after-visit", "looked-after", date(2025, 1, 11), **dates)
    assert (result.due_date, result.anchor_label) == (
        date(2025, 1, 17),
        "started to be looked after 10 January 2025",
    )


@pytest.mark.parametrize(
    ("long_term", "words"),
    [
        ("Y", "placement intended to last until 18: yes, so every 3 months"),
        ("N", "placement intended to last until 18: no, so every 6 weeks"),
        (None, "placement intended to last until 18: not recorded, so every 6 weeks"),
    ],
)
def test_the_case_page_says_which_interval_the_placement_gives(long_term, words):
    dates = {"placement_start": date(2023, 5, 1), "last_social_work_visit": date(2026, 2, 2)}
    answers = {"placement_intended_until_18": long_term}
    result = check("looked-after-visit", "looked-after", date(2026, 3, 1), answers, **dates)
    assert (result.anchor_label, result.interval_note) == ("last social work visit 2 February 2026", words)


def test_in_the_placements_first_year_the_answer_is_not_mentioned():
    dates = {"placement_start": date(2025, 9, 1), "last_social_work_visit": date(2026, 2, 2)}
    result = check("looked-after-visit", "looked-after", date(2026, 3, 1), **dates)
    assert (result.anchor_label, result.interval_note) == ("last social work visit 2 February 2026", "")


@pytest.mark.parametrize(
    ("birth_month", "due"),
    [
        (date(2022, 6, 1), date(2025, 7, 1)),  # 3 years old: 6 months
        (date(2020, 8, 1), date(2025, 7, 1)),  # turns 5 in August, after the 6-month date: 6 months
        (date(2020, 7, 1), date(2026, 1, 1)),  # 5 in the month the 6-month date falls: 12 months
        (date(2012, 3, 1), date(2026, 1, 1)),  # 13 years old: 12 months
    ],
)
def test_health_assessment_every_6_months_under_5_else_12(birth_month, due):
    dates = {"last_health_assessment": date(2025, 1, 1), "birth_month": birth_month}
    assert check("health-assessment", "looked-after", date(2025, 2, 1), **dates).due_date == due


def test_health_assessment_without_a_birth_month_is_data_missing():
    result = check("health-assessment", "looked-after", AS_OF, last_health_assessment=date(2025, 9, 1))
    assert (result.status, result.anchor_label) == (Status.DATA_MISSING, "not recorded: birth month")


def test_dental_check_every_12_months_from_a_leap_day():
    assert outcome("dental-check", "looked-after", date(2025, 3, 1), last_dental_check=date(2024, 2, 29)) == (
        Status.OVERDUE,
        date(2025, 2, 28),
        1,
    )


# A strategy discussion on Tuesday 17 December 2024: 15 working days, over Christmas, is 10 January 2025.
STRATEGY = {"strategy_discussion": date(2024, 12, 17)}


@pytest.mark.parametrize(
    ("held", "as_of", "status", "days_overdue", "days_late"),
    [
        (date(2025, 1, 10), date(2025, 3, 1), Status.COMPLIANT, None, None),  # held on the last day
        # Held late: done now, so not overdue; the breach stays a fact, 3 days late.
        (date(2025, 1, 13), date(2025, 3, 1), Status.COMPLIANT, None, 3),
        (None, date(2025, 1, 10), Status.DUE_SOON, None, None),  # not held, due today
        (None, date(2025, 1, 13), Status.OVERDUE, 3, None),
        (date(2024, 6, 1), date(2025, 1, 13), Status.OVERDUE, 3, None),  # a conference of an earlier plan
    ],
)
def test_initial_conference_within_15_working_days(held, as_of, status, days_overdue, days_late):
    result = check("initial-conference", "child-protection", as_of, initial_conference=held, **STRATEGY)
    assert (result.status, result.due_date, result.days_overdue, result.days_late) == (
        status,
        date(2025, 1, 10),
        days_overdue,
        days_late,
    )


def test_initial_conference_label_names_both_dates():
    dates = {**STRATEGY, "initial_conference": date(2025, 1, 9)}
    assert check("initial-conference", "child-protection", AS_OF, **dates).anchor_label == (
        "strategy discussion 17 December 2024; initial conference 9 January 2025"
    )


@pytest.mark.parametrize("strategy", [date(2024, 12, 17), None])
def test_initial_conference_no_longer_applies_once_the_plan_is_reviewed(strategy):
    dates = {"strategy_discussion": strategy, "latest_review_conference": date(2025, 4, 1)}
    result = check("initial-conference", "child-protection", AS_OF, **dates)
    assert (result.status, result.due_date, result.anchor_label) == (
        Status.NOT_APPLICABLE,
        None,
        "latest review conference 1 April 2025",
    )


def test_review_conference_3_months_after_the_initial_then_every_6():
    first = check("review-conference", "child-protection", AS_OF, initial_conference=date(2025, 11, 30))
    assert first.due_date == date(2026, 2, 28)
    later = {"initial_conference": date(2025, 11, 30), "latest_review_conference": date(2026, 2, 20)}
    assert check("review-conference", "child-protection", AS_OF, **later).due_date == date(2026, 8, 20)


def test_review_conference_counts_from_the_plan_start_without_the_initial_conference_date():
    result = check("review-conference", "child-protection", AS_OF, cp_plan_start=date(2026, 1, 5))
    assert (result.due_date, result.anchor_label) == (
        date(2026, 4, 5),
        "child protection plan started 5 January 2026",
    )


def test_child_protection_visit_every_10_working_days_over_easter():
    # Monday 14 April 2025 + 10 working days, skipping Good Friday and Easter Monday.
    dates = {"cp_plan_start": date(2025, 1, 6), "last_statutory_visit": date(2025, 4, 14)}
    assert check("child-protection-visit", "child-protection", date(2025, 4, 15), **dates).due_date == date(
        2025, 4, 30
    )
    no_visit = check(
        "child-protection-visit", "child-protection", date(2025, 1, 7), cp_plan_start=date(2025, 1, 6)
    )
    assert no_visit.due_date == date(2025, 1, 20)


@pytest.mark.parametrize(
    ("completed", "status", "days_overdue", "days_late"),
    [
        (date(2025, 3, 7), Status.COMPLIANT, None, None),
        (date(2025, 3, 13), Status.COMPLIANT, None, 3),  # completed, 3 days late
        (None, Status.OVERDUE, 25, None),
    ],
)
def test_assessment_completed_within_45_working_days(completed, status, days_overdue, days_late):
    # Monday 6 January 2025 + 45 working days is Monday 10 March 2025 (no bank holiday in between).
    dates = {"assessment_start": date(2025, 1, 6), "assessment_completed": completed}
    result = check("assessment-completion", "child-in-need", date(2025, 4, 4), **dates)
    assert (result.status, result.due_date, result.days_overdue, result.days_late) == (
        status,
        date(2025, 3, 10),
        days_overdue,
        days_late,
    )


def test_the_child_and_family_assessment_counts_from_the_referral():
    # Referred Monday 2 March 2026: 45 working days, over Good Friday, Easter Monday and the early May bank
    # holiday, is 7 May.
    dates = {"referral_date": date(2026, 3, 2), "assessment_start": date(2026, 3, 9)}
    result = check("assessment-completion", "child-in-need", date(2026, 5, 8), **dates)
    assert (result.status, result.due_date, result.days_overdue) == (Status.OVERDUE, date(2026, 5, 7), 1)
    assert result.anchor_label == "referral 2 March 2026"
    # Without the referral's date, from the assessment's start.
    result = check(
        "assessment-completion", "child-in-need", date(2026, 5, 8), assessment_start=date(2026, 3, 9)
    )
    assert result.due_date == date(2026, 5, 14)


def test_early_help_assessments_are_not_checked_unless_the_authority_sets_a_timescale():
    slugs = {
        r.check for r in evaluate_case({"assessment_start": date(2026, 3, 2)}, "early-help", RULES, AS_OF)
    }
    assert slugs == {"case-recording", "supervision"}
    assert "early-help-assessment" in {rule.slug for rule in RULES.off}


# One-off statutory events: overdue the day after the deadline while not held; done on the day, compliant;
# done a day late, compliant with the breach kept.
@pytest.mark.parametrize(
    ("slug", "cohort", "start", "event", "deadline"),
    [
        # Looked after from Friday 12 December 2025: 20 working days, over Christmas and New Year.
        (
            "initial-health-assessment",
            "looked-after",
            {"looked_after_since": date(2025, 12, 12)},
            "initial_health_assessment",
            date(2026, 1, 14),
        ),
        # A conference on Thursday 26 March 2026: 10 working days, over Good Friday and Easter Monday.
        (
            "first-core-group",
            "child-protection",
            {"initial_conference": date(2026, 3, 26)},
            "first_core_group",
            date(2026, 4, 13),
        ),
    ],
)
def test_one_off_statutory_events(slug, cohort, start, event, deadline):
    day_after = deadline + timedelta(days=1)
    assert outcome(slug, cohort, day_after, **start) == (Status.OVERDUE, deadline, 1)
    on_the_day = check(slug, cohort, day_after, **start, **{event: deadline})
    assert (on_the_day.status, on_the_day.days_late) == (Status.COMPLIANT, None)
    a_day_late = check(slug, cohort, deadline + timedelta(days=30), **start, **{event: day_after})
    assert (a_day_late.status, a_day_late.days_late) == (Status.COMPLIANT, 1)


@pytest.mark.parametrize(
    ("birth_month", "status", "words"),
    [
        (date(2021, 3, 1), Status.COMPLIANT, ""),  # 5 from 1 March 2026: of school age on 10 March
        (date(2021, 4, 1), Status.NOT_APPLICABLE, "not aged 5 to 15"),  # not 5 until April
        (date(2010, 4, 1), Status.COMPLIANT, ""),  # 15 until April
        (date(2010, 3, 1), Status.NOT_APPLICABLE, "not aged 5 to 15"),  # 16 from 1 March 2026
        (None, Status.DATA_MISSING, "not recorded: birth month"),
    ],
)
def test_a_personal_education_plan_for_children_of_school_age(birth_month, status, words):
    dates = {
        "looked_after_since": date(2024, 1, 8),
        "latest_pep": date(2026, 1, 20),
        "birth_month": birth_month,
    }
    result = check("personal-education-plan", "looked-after", AS_OF, **dates)
    assert result.status is status
    if status is Status.COMPLIANT:
        assert result.due_date == date(2026, 5, 20)  # reviewed each term: within 4 months
    else:
        assert result.anchor_label == words


def test_the_first_personal_education_plan_within_20_working_days_of_becoming_looked_after():
    dates = {"looked_after_since": date(2026, 2, 2), "birth_month": date(2015, 6, 1)}
    # Looked after from Monday 2 February 2026: 20 working days later is Monday 2 March.
    assert outcome("personal-education-plan", "looked-after", AS_OF, **dates) == (
        Status.OVERDUE,
        date(2026, 3, 2),
        8,
    )


def test_case_recording_within_5_working_days_of_the_oldest_unrecorded_event():
    # Friday 6 March 2026 + 5 working days: Friday 13 March, 3 days after the 10th; the window of 5
    # working days (a week) is 2 days, so it is not due soon yet; from Wednesday 11 March it is.
    result = check("case-recording", "care-leaver", AS_OF, recording_backlog_since=date(2026, 3, 6))
    assert (result.status, result.due_date, result.kind) == (Status.COMPLIANT, date(2026, 3, 13), "local")
    later = check(
        "case-recording", "care-leaver", date(2026, 3, 11), recording_backlog_since=date(2026, 3, 6)
    )
    assert later.status is Status.DUE_SOON
    # An empty date means nothing is waiting to be written up: compliant, with nothing due.
    nothing_waiting = check("case-recording", "child-in-need", AS_OF, recording_backlog_since=None)
    assert (nothing_waiting.status, nothing_waiting.due_date) == (Status.COMPLIANT, None)
    assert nothing_waiting.anchor_label == "nothing waiting"
    # A register that lacks the column says nothing either way: data missing, never a guess.
    unknown = next(r for r in evaluate_case({}, "child-in-need", RULES, AS_OF) if r.check == "case-recording")
    assert unknown.status is Status.DATA_MISSING


def test_supervision_every_4_weeks_in_every_cohort():
    for cohort in ("care-leaver", "looked-after", "child-protection", "child-in-need", "early-help"):
        assert outcome("supervision", cohort, AS_OF, last_supervision=date(2026, 2, 1)) == (
            Status.OVERDUE,
            date(2026, 3, 1),
            9,
        )


def test_a_closed_case_has_nothing_due():
    dates = {"latest_pathway_plan": date(2024, 1, 1), "closed_on": date(2026, 3, 1)}
    results = evaluate_case(dates, "care-leaver", RULES, AS_OF)
    assert {r.status for r in results} == {Status.NOT_APPLICABLE}
    assert results[0].anchor_label == "case closed 1 March 2026"
    assert check("pathway-plan-review", "care-leaver", date(2026, 2, 1), **dates).status is Status.OVERDUE


# --- the frame interface ------------------------------------------------------------------------------------


def test_evaluate_rows_columns_and_order():
    cases = pl.DataFrame(
        {
            "child_id": ["C3", "C1", "C2", "C4"],
            "cohort": ["child-in-need", "care-leaver", "looked-after", "unknown-cohort"],
            "team": ["North", "South", "East", "West"],
            "case_id": [3, 1, 2, 4],
            "birth_month": [date(2015, 1, 1)] * 4,
            "latest_pathway_plan": [None, date(2026, 1, 1), None, None],
        }
    )
    results = evaluate(cases, RULES, AS_OF)
    assert results.columns == [
        "child_id",
        "cohort",
        "check",
        "due_date",
        "status",
        "days_overdue",
        "days_late",
        "team",
        "case_id",
    ]
    assert results.schema["due_date"] == pl.Date
    assert results.schema["status"] == pl.String
    assert results.schema["days_overdue"] == pl.Int64
    assert results.schema["case_id"] == cases.schema["case_id"]
    assert results.select("child_id", "check").rows() == [
        ("C1", "pathway-plan-review"),
        ("C1", "personal-adviser-contact"),
        ("C1", "case-recording"),
        ("C1", "supervision"),
        ("C2", "looked-after-review"),
        ("C2", "looked-after-visit"),
        ("C2", "personal-education-plan"),
        ("C2", "initial-health-assessment"),
        ("C2", "health-assessment"),
        ("C2", "dental-check"),
        ("C2", "case-recording"),
        ("C2", "supervision"),
        ("C3", "assessment-completion"),
        ("C3", "case-recording"),
        ("C3", "supervision"),
    ]
    assert set(results.filter(pl.col("child_id") == "C2")["team"]) == {"East"}
    first = results.row(0, named=True)
    assert (first["due_date"], first["status"]) == (date(2026, 7, 1), "compliant")
    # No date column but the pathway plan: every other check is data-missing, not an error.
    assert set(results["status"][1:]) == {"data-missing"}


def test_evaluate_accepts_text_and_datetime_dates():
    cases = pl.DataFrame(
        {
            "child_id": ["A", "B"],
            "cohort": ["care-leaver", "care-leaver"],
            "latest_pathway_plan": ["2026-01-01", None],
            "latest_contact": [datetime(2026, 2, 1), None],
        }
    )
    results = evaluate(cases, RULES, AS_OF).filter(pl.col("child_id") == "A")
    assert results["due_date"].to_list()[:2] == [date(2026, 7, 1), date(2026, 4, 1)]


def test_evaluate_of_no_cases_has_the_columns():
    cases = pl.DataFrame(schema={"child_id": pl.String, "cohort": pl.String, "team": pl.String})
    results = evaluate(cases, RULES, AS_OF)
    assert results.columns == [
        "child_id",
        "cohort",
        "check",
        "due_date",
        "status",
        "days_overdue",
        "days_late",
        "team",
    ]
    assert results.height == 0


def test_evaluate_refuses_frames_it_cannot_read():
    with pytest.raises(ValueError, match="lack the column"):
        evaluate(pl.DataFrame({"child_id": ["A"]}), RULES, AS_OF)
    with pytest.raises(ValueError, match="status"):
        evaluate(
            pl.DataFrame({"child_id": ["A"], "cohort": ["early-help"], "status": ["open"]}), RULES, AS_OF
        )


def test_summarise_counts_per_check_and_cohort_in_report_order():
    cases = pl.DataFrame(
        {
            "child_id": ["A", "B", "C", "D"],
            "cohort": ["child-in-need", "care-leaver", "care-leaver", "child-in-need"],
            "last_supervision": [date(2026, 3, 1), date(2026, 1, 1), date(2026, 3, 1), None],
            "latest_pathway_plan": [None, date(2026, 1, 1), None, None],
        }
    )
    summary = summarise(evaluate(cases, RULES, AS_OF))
    assert summary.columns == [
        "check",
        "cohort",
        "applicable",
        "compliant",
        "overdue",
        "due_soon",
        "not_applicable",
        "data_missing",
        "done_late",
    ]
    assert summary.select("check", "cohort").rows() == [
        ("pathway-plan-review", "care-leaver"),
        ("personal-adviser-contact", "care-leaver"),
        ("assessment-completion", "child-in-need"),
        ("case-recording", "care-leaver"),
        ("case-recording", "child-in-need"),
        ("supervision", "care-leaver"),
        ("supervision", "child-in-need"),
    ]
    assert summary.row(0) == ("pathway-plan-review", "care-leaver", 2, 1, 0, 0, 0, 1, 0)
    assert summary.row(5) == ("supervision", "care-leaver", 2, 1, 1, 0, 0, 0, 0)
    assert summary.row(6) == ("supervision", "child-in-need", 2, 1, 0, 0, 0, 1, 0)


def test_the_checks_are_listed_in_report_order():
    assert CHECK_SLUGS[0] == "pathway-plan-review"
    assert CHECK_SLUGS[-2:] == ("case-recording", "supervision")
    assert len(set(CHECK_SLUGS)) == len(CHECK_SLUGS) == 18
