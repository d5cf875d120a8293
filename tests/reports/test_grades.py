"""grade_table: the committee's table read from the audits, with its caveats and what it leaves out."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.audits.models import AuditStatus
from caseaudit.core.grade_tables import ALL_COHORTS
from caseaudit.cycles.models import Cycle
from caseaudit.reports.grades import NO_CYCLE, grade_table
from tests.factories import make_case

from .grade_history import graded_audit, load_three_years, signs_of_safety_scale

pytestmark = pytest.mark.django_db

COHORTS = ["care-leaver", "looked-after", "child-in-need", "early-help"]
SAMPLING = (
    "Periods were sampled differently, so they are not directly comparable. 2021: half of the open cases; "
    "2020 and 2019: every open case."
)
FOCUS = (
    "Periods were given different focus cohorts, so they are not directly comparable. 2021: care leaver "
    "first; 2020 and 2019: no focus cohort."
)


@pytest.fixture
def history(tmp_path):
    return load_three_years(tmp_path)


def row(table, period, cohort):
    (found,) = [r for r in table.rows if (r.period, r.cohort) == (period, cohort)]
    return found


def test_three_years_of_history_give_the_committee_table_by_year(history):
    table = grade_table()
    assert table.periods == ["2021", "2020", "2019"]
    assert table.cohorts == COHORTS
    # A row per cohort, then all cohorts, in every year; a cohort not audited that year shows 0.
    assert [(r.period, r.cohort) for r in table.rows[:5]] == [
        *(("2021", c) for c in COHORTS),
        ("2021", ALL_COHORTS),
    ]
    care_leavers_2019 = row(table, "2019", "care-leaver")
    assert care_leavers_2019.counts == (0, 2, 5, 6)
    assert care_leavers_2019.percentages == (0, 15, 39, 46)  # docs/domain.md#percentages: rows sum to 100
    assert row(table, "2019", ALL_COHORTS).counts == (1, 4, 6, 6)
    assert row(table, "2020", "early-help").total == 0
    assert row(table, "2020", "early-help").percentages is None
    # The unmoderated 2021 audit is not counted, and the table says so.
    assert row(table, "2021", "care-leaver").counts == (0, 2, 7, 3)
    assert table.total == 17 + 16 + 14
    assert table.exclusions == [
        "1 audit not yet moderated is not counted (2021: 1): the table uses moderated grades."
    ]


def test_the_half_sample_year_is_flagged_as_not_directly_comparable(history):
    table = grade_table()
    assert table.caveats[:2] == [SAMPLING, FOCUS]
    small = table.caveats[2]
    assert small.startswith("Small samples: fewer than 20 audits")
    # The example of docs/domain.md#small-samples: 6 of 13 could well be anywhere from 23% to 71%.
    assert "6 of 13 is 46%" in small and "23% to 71%" in small
    assert table.notes == [*table.caveats, *table.exclusions]


def test_periods_sampled_alike_carry_no_comparability_caveat(history):
    table = grade_table(cycles=list(Cycle.objects.filter(name__in=["Autumn 2019", "Autumn 2020"])))
    assert table.periods == ["2020", "2019"]
    assert not [c for c in table.caveats if "not directly comparable" in c]


def test_by_cycle_the_periods_are_cycles_newest_first(history):
    table = grade_table(by="cycle")
    assert table.periods == ["Autumn 2021", "Autumn 2020", "Autumn 2019"]
    assert row(table, "Autumn 2019", "care-leaver").counts == (0, 2, 5, 6)
    assert table.caveats[0].startswith("Periods were sampled differently")


def test_audits_in_no_cycle_come_last_by_cycle(history):
    graded_audit(make_case("X1", "looked-after"), completed_on=date(2022, 5, 3), auditor_grade="good",
                 moderated_grade="good")  # fmt: skip
    table = grade_table(by="cycle")
    assert table.periods == ["Autumn 2021", "Autumn 2020", "Autumn 2019", NO_CYCLE]
    assert row(table, NO_CYCLE, "looked-after").counts == (0, 0, 1, 0)


def test_auditors_grades_on_request(history):
    table = grade_table(grade_source="auditor")
    # One care leaver a year was moved down from Outstanding to Good in moderation.
    assert row(table, "2019", "care-leaver").counts == (0, 2, 4, 7)
    # The audit awaiting moderation has its auditor's grade, so it counts here.
    assert row(table, "2021", "care-leaver").counts == (0, 2, 7, 4)
    assert table.exclusions == []


def test_one_cohort(history):
    table = grade_table(cohort="care-leaver")
    assert table.cohorts == ["care-leaver"]
    assert [(r.period, r.cohort) for r in table.rows] == [
        ("2021", "care-leaver"),
        ("2020", "care-leaver"),
        ("2019", "care-leaver"),
    ]


def test_up_to_a_date_leaves_out_later_audits(history):
    table = grade_table(up_to=date(2020, 12, 31))
    assert table.periods == ["2020", "2019"]


def test_grades_on_another_scale_are_left_out_and_said_so(personas):
    scale = signs_of_safety_scale()
    graded_audit(personas.own_case, completed_on=date(2024, 10, 7), auditor_grade="7", moderated_grade="7",
                 grade_scale=scale)  # fmt: skip
    graded_audit(personas.other_case, completed_on=date(2024, 10, 8), auditor_grade="good",
                 moderated_grade="good")  # fmt: skip
    table = grade_table()
    assert table.total == 1
    assert row(table, "2024", "child-in-need").counts == (0, 0, 1, 0)
    (exclusion,) = table.exclusions
    assert exclusion.startswith("1 audit graded on a scale other than Ofsted's four grades")
    assert exclusion.endswith("(2024: 1).")


def test_audits_not_yet_submitted_are_not_counted(personas):
    graded_audit(
        personas.own_case, completed_on=date(2024, 10, 7), auditor_grade="good", moderated_grade="good"
    )
    in_progress = graded_audit(
        personas.other_case, completed_on=None, auditor_grade="", draft_grade="inadequate"
    )
    in_progress.status = AuditStatus.IN_PROGRESS
    in_progress.save()
    table = grade_table()
    assert table.total == 1
    assert table.exclusions == []


def test_no_audits_no_rows(db):
    table = grade_table()
    assert (table.rows, table.periods, table.caveats, table.exclusions) == ([], [], [], [])
