"""The supervision and recording columns (`last_supervision`, `recording_backlog_since`): optional register
columns for every cohort, read by the CSV import, written by the export, shown on the case page."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.urls import reverse

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.export import export_case_register, write_register_csv
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.core.register import COHORT_KEY_DATES, COLUMNS, KEY_DATE_COLUMNS
from caseaudit.demo.authority import generate_register_rows
from caseaudit.policy import SYSTEM
from tests.factories import make_case

TODAY = date(2026, 11, 1)
NEW = ("last_supervision", "recording_backlog_since")


def run(tmp_path: Path, text: str, **options):
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    try:
        return import_case_register(path, acting_user=SYSTEM, today=TODAY, **options)
    except RowsRefused as refused:  # all or nothing: the result lists the bad rows
        return refused.result


def test_the_columns_are_key_dates_of_every_cohort():
    assert set(NEW) <= set(KEY_DATE_COLUMNS) and set(NEW) <= set(COLUMNS)
    for cohort, dates in COHORT_KEY_DATES.items():
        assert set(NEW) <= set(dates), cohort


@pytest.mark.django_db
def test_a_csv_with_the_columns_imports_them_in_either_date_spelling(tmp_path):
    result = run(
        tmp_path,
        "child_id,cohort,Last supervision,Recording backlog since\n"
        "A1,care-leaver,2026-10-20,28/10/2026\nA2,early-help,,\n",
    )
    assert result.errors == [] and result.totals.created == 2
    one, two = Case.objects.order_by("child_id")
    assert (one.last_supervision, one.recording_backlog_since) == (date(2026, 10, 20), date(2026, 10, 28))
    assert (two.last_supervision, two.recording_backlog_since) == (None, None)


@pytest.mark.django_db
def test_a_bad_date_in_the_columns_is_reported_by_row_and_column(tmp_path):
    result = run(tmp_path, "child_id,cohort,last_supervision\nA1,care-leaver,last week\n")
    assert not result.written
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "last_supervision", "last week")]


@pytest.mark.django_db
def test_a_file_without_the_columns_leaves_them_as_they_were(tmp_path):
    make_case(
        "A1",
        "looked-after",
        last_supervision=date(2026, 9, 1),
        recording_backlog_since=date(2026, 10, 2),
    )
    result = run(tmp_path, "child_id,cohort,latest_statutory_review\nA1,looked-after,2026-08-01\n")
    assert result.totals.updated == 1
    case = Case.objects.get(child_id="A1")
    assert case.latest_statutory_review == date(2026, 8, 1)
    assert (case.last_supervision, case.recording_backlog_since) == (date(2026, 9, 1), date(2026, 10, 2))


@pytest.mark.django_db
def test_an_empty_cell_clears_a_date_the_file_has_a_column_for(tmp_path):
    # A written-up backlog: the CMS no longer lists an event waiting, and the register follows it.
    make_case("A1", "care-leaver", recording_backlog_since=date(2026, 10, 2))
    result = run(tmp_path, "child_id,cohort,recording_backlog_since\nA1,care-leaver,\n")
    assert result.totals.updated == 1
    assert Case.objects.get(child_id="A1").recording_backlog_since is None


@pytest.mark.django_db
def test_the_export_writes_the_columns_and_reimporting_it_changes_nothing(tmp_path):
    make_case("A1", "child-protection", last_supervision=date(2026, 10, 5))
    make_case("A2", "early-help", recording_backlog_since=date(2026, 10, 30), closed_on=date(2026, 10, 31))
    out = StringIO()
    write_register_csv(out)
    rows = {row["child_id"]: row for row in csv.DictReader(StringIO(out.getvalue()))}
    assert (rows["A1"]["last_supervision"], rows["A1"]["recording_backlog_since"]) == ("2026-10-05", "")
    assert (rows["A2"]["last_supervision"], rows["A2"]["recording_backlog_since"]) == ("", "2026-10-30")

    target = tmp_path / "register.csv"
    export_case_register(target, acting_user=SYSTEM)
    result = import_case_register(target, acting_user=SYSTEM, today=TODAY, partial=True)
    assert result.errors == []
    assert (result.totals.created, result.totals.updated, result.totals.unchanged) == (0, 0, 2)
    assert Case.objects.get(child_id="A1").last_supervision == date(2026, 10, 5)


def test_demo_data_has_the_dates_mostly_in_time_and_some_overdue():
    rows = [row for row in generate_register_rows(3000, 2018, TODAY) if not row["closed_on"]]
    four_weeks_ago = (TODAY - timedelta(days=28)).isoformat()
    supervised = [row["last_supervision"] for row in rows if row["last_supervision"]]
    late = sum(1 for day in supervised if day < four_weeks_ago)
    assert 0.05 < late / len(supervised) < 0.3
    assert 0.01 < (len(rows) - len(supervised)) / len(rows) < 0.1
    waiting = [row["recording_backlog_since"] for row in rows if row["recording_backlog_since"]]
    # 5 working days are never more than 9 calendar days, even over Christmas.
    overdue = sum(1 for day in waiting if day < (TODAY - timedelta(days=9)).isoformat())
    assert 0.15 < overdue / len(waiting) < 0.5
    assert 0.4 < 1 - len(waiting) / len(rows) < 0.8


@pytest.mark.django_db
def test_the_case_page_lists_the_dates_with_the_cohorts_key_dates(client, personas):
    case = personas.own_case
    case.last_supervision = date(2026, 10, 20)
    case.save()
    client.force_login(personas.qa_lead)
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    key_dates = text.split("Key dates for")[1].split("</dl>")[0]
    assert "Last supervision" in key_dates and "20 October 2026" in key_dates
    assert "Oldest event not yet recorded" in key_dates


@pytest.mark.django_db
def test_an_annex_a_import_leaves_the_columns_as_they_were(tmp_path):
    make_case(
        "AA1", "care-leaver", last_supervision=date(2026, 9, 1), recording_backlog_since=date(2026, 10, 2)
    )
    workbook = write_annex_a_workbook(
        tmp_path / "annex-a.xlsx",
        {"List 9": [{"Child Unique ID": "AA1", "Latest Pathway Plan": date(2026, 3, 1)}]},
    )
    result = import_case_register(workbook, acting_user=SYSTEM, today=TODAY)
    assert result.errors == [] and result.totals.updated == 1
    case = Case.objects.get(child_id="AA1")
    assert case.latest_pathway_plan == date(2026, 3, 1)
    assert (case.last_supervision, case.recording_backlog_since) == (date(2026, 9, 1), date(2026, 10, 2))
