"""`caseaudit report grades`: the committee's table in the terminal, as CSV, JSON and XLSX."""

from __future__ import annotations

import csv
import io
import json
import re

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from .grade_history import load_three_years

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "period,cohort,total,inadequate,requires_improvement,good,outstanding,inadequate_pct,"
    "requires_improvement_pct,good_pct,outstanding_pct"
)


@pytest.fixture
def history(tmp_path):
    return load_three_years(tmp_path)


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "grades", *args, stdout=out)
    return out.getvalue()


def test_text_is_a_committee_table_with_its_caveats(history):
    text = report()
    lines = text.splitlines()
    assert lines[0] == "Audits by year and cohort (moderated grades)"
    care_leavers_2019 = next(line for line in lines if line.startswith("2019  Care leaver"))
    cells = re.split(r"\s{2,}", care_leavers_2019.strip())
    assert cells == ["2019", "Care leaver", "13", "0", "2 (15%)", "5 (39%)", "6 (46%)"]
    years = [line[:4] for line in lines if line[:4] in ("2019", "2020", "2021")]
    assert years == sorted(years, reverse=True)  # newest first
    notes = text[text.index("\nNotes\n") :]
    assert "sampled differently" in notes
    assert "2021: half of the open cases" in " ".join(notes.split())
    assert "not yet moderated" in notes


def test_a_row_whose_equal_counts_share_the_last_point_says_why_it_sums_to_99(history):
    """2021, all cohorts: 0, 3, 8 and 3 of 14. The two threes tie for the last point, so both stay at 21%
    and the row makes 99, which the notes explain; before, the better grade took the point (22%)."""
    text = report()
    row = next(line for line in text.splitlines() if line.startswith("2021  All cohorts"))
    assert re.split(r"\s{2,}", row.strip()) == [
        "2021",
        "All cohorts",
        "14",
        "0",
        "3 (21%)",
        "8 (57%)",
        "3 (21%)",
    ]
    assert "Percentages may not sum to 100 because of rounding" in text[text.index("\nNotes\n") :]


def test_csv_has_the_fixed_columns_newest_period_first(history):
    text = report("--format", "csv")
    assert text.splitlines()[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    periods = [row["period"] for row in rows]
    assert periods == sorted(periods, reverse=True)
    care = next(r for r in rows if (r["period"], r["cohort"]) == ("2019", "care-leaver"))
    assert [care[k] for k in ("total", "inadequate", "requires_improvement", "good", "outstanding")] == [
        "13",
        "0",
        "2",
        "5",
        "6",
    ]
    assert [care[f"{k}_pct"] for k in ("inadequate", "requires_improvement", "good", "outstanding")] == [
        "0",
        "15",
        "39",
        "46",
    ]
    # A cohort not audited in a year: a row of zeros without percentages.
    empty = next(r for r in rows if (r["period"], r["cohort"]) == ("2020", "early-help"))
    assert (empty["total"], empty["good_pct"]) == ("0", "")


def test_csv_by_cycle_with_auditors_grades_for_one_cohort(history):
    rows = list(
        csv.DictReader(
            io.StringIO(
                report("--format", "csv", "--by", "cycle", "--grade-source", "auditor", "--cohort", "CL")
            )
        )
    )
    assert [(r["period"], r["cohort"], r["outstanding"]) for r in rows] == [
        ("Autumn 2021", "care-leaver", "4"),
        ("Autumn 2020", "care-leaver", "3"),
        ("Autumn 2019", "care-leaver", "7"),
    ]


def test_json_carries_intervals_and_caveats(history):
    data = json.loads(report("--format", "json"))
    assert (data["by"], data["grade_source"]) == ("year", "moderated")
    care = next(r for r in data["rows"] if (r["period"], r["cohort"]) == ("2019", "care-leaver"))
    assert care["counts"] == {"inadequate": 0, "requires-improvement": 2, "good": 5, "outstanding": 6}
    assert care["percentages"]["good"] == 39
    low, high = care["intervals_95"]["outstanding"]
    assert 0.2 < low < 0.46 < high < 0.75  # 6 of 13: about 23% to 71%
    assert care["small_sample"] is True
    assert any("sampled differently" in c for c in data["caveats"])
    assert data["exclusions"]


def test_xlsx_opens_with_the_table_and_its_caveats(history, tmp_path):
    path = tmp_path / "grades.xlsx"
    out = report("--format", "xlsx", "--output", str(path))
    assert out == ""
    grades = pl.read_excel(path, sheet_name="Grades")
    care = grades.filter((pl.col("Period") == "2019") & (pl.col("Cohort") == "Care leaver")).row(
        0, named=True
    )
    assert (care["Audits"], care["Good"], care["Good %"], care["Small sample"]) == (13, 5, 39, "yes")
    assert grades["Period"].to_list()[0] == "2021"
    caveats = pl.read_excel(path, sheet_name="Caveats")["Caveat"].to_list()
    assert any("sampled differently" in c for c in caveats)


def test_the_file_s_ending_chooses_its_format_when_none_is_given(history, tmp_path):
    report("--output", str(tmp_path / "grades.xlsx"))
    assert pl.read_excel(tmp_path / "grades.xlsx", sheet_name="Grades")["Period"].to_list()[0] == "2021"
    report("--output", str(tmp_path / "grades.csv"))
    assert (tmp_path / "grades.csv").read_text().splitlines()[0] == CSV_HEADER
    report("--output", str(tmp_path / "grades.txt"))
    assert (tmp_path / "grades.txt").read_text().startswith("Audits by year and cohort")


def test_a_file_in_a_folder_that_is_not_there_is_refused_in_one_line(history, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        report("--output", str(tmp_path / "missing" / "grades.csv"))


def test_xlsx_needs_a_file(history):
    with pytest.raises(CommandError, match="--output"):
        report("--format", "xlsx")


def test_an_unknown_cohort_is_refused(db):
    with pytest.raises(CommandError, match="'teenagers' is not a cohort"):
        report("--cohort", "teenagers")


def test_no_audits_says_so(db):
    assert "No graded audits" in report()
