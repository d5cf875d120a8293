"""`caseaudit compliance`: the whole register's checks as text, CSV or JSON."""

from __future__ import annotations

import csv
import json
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog

from .conftest import AS_OF

pytestmark = pytest.mark.django_db
HEADER = "child_id,cohort,check,due_date,status,days_overdue,days_late"


def run(*args: str) -> str:
    out = StringIO()
    call_command("compliance", "--as-of", AS_OF.isoformat(), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(text)))


def test_csv_has_exactly_the_columns_and_a_row_per_case_and_check(register):
    text = run("--format", "csv")
    assert text.splitlines()[0] == HEADER
    found = rows(text)
    by_key = {(r["child_id"], r["check"]): r for r in found}
    assert by_key[("N000001", "pathway-plan-review")] == {
        "child_id": "N000001",
        "cohort": "care-leaver",
        "check": "pathway-plan-review",
        "due_date": "2026-09-01",
        "status": "overdue",
        "days_overdue": "63",
        "days_late": "",
    }
    assert by_key[("N000001", "supervision")]["status"] == "due-soon"
    assert by_key[("N000001", "supervision")]["days_overdue"] == ""
    assert by_key[("N000002", "looked-after-review")]["due_date"] == ""
    # Care leaver: 4 checks; looked after: 8; child in need: 3. The closed case: none.
    assert len(found) == 4 + 8 + 3
    assert "N000003" not in text


def test_cohort_and_check_filters(register):
    found = rows(run("--format", "csv", "--cohort", "CIN", "--check", "supervision"))
    assert [(r["child_id"], r["check"], r["status"]) for r in found] == [
        ("S000001", "supervision", "overdue")
    ]
    # A check by its label, in any case.
    labelled = rows(run("--format", "csv", "--check", "pathway plan review"))
    assert [r["child_id"] for r in labelled] == ["N000001"]


def test_text_is_a_summary_per_check_and_cohort_naming_no_child(register):
    text = run()
    assert "Compliance with timescales as of 3 November 2026" in text
    assert "3 open cases checked." in text
    assert (
        "Pathway plan review, Care leaver: 1 case, 0 compliant, 1 overdue, 0 due soon, 0 data missing" in text
    )
    assert "Supervision, Child in need: 1 case, 0 compliant, 1 overdue, 0 due soon, 0 data missing" in text
    assert "N0000" not in text and "S0000" not in text


def test_json_holds_the_date_the_rules_the_summary_and_the_results(register):
    document = json.loads(run("--format", "json", "--cohort", "care-leaver"))
    assert document["as_of"] == "2026-11-03"
    assert document["rules"] == {"name": "Statutory and recommended timescales (England)", "version": 1}
    assert {row["check"] for row in document["summary"]} == {
        "pathway-plan-review",
        "personal-adviser-contact",
        "case-recording",
        "supervision",
    }
    plan = next(row for row in document["summary"] if row["check"] == "pathway-plan-review")
    assert (plan["cohort"], plan["applicable"], plan["overdue"]) == ("care-leaver", 1, 1)
    assert document["results"][0] == {
        "child_id": "N000001",
        "cohort": "care-leaver",
        "check": "pathway-plan-review",
        "due_date": "2026-09-01",
        "status": "overdue",
        "days_overdue": 63,
        "days_late": None,
    }


def test_child_level_output_is_recorded_in_the_access_log_and_text_is_not(register):
    run()
    assert not AccessLog.objects.filter(object_type="compliance").exists()
    run("--format", "csv", "--cohort", "care-leaver")
    run("--format", "json")
    entries = AccessLog.objects.filter(object_type="compliance", action="export").order_by("at", "pk")
    assert [e.detail for e in entries] == [
        "4 results, csv, as of 2026-11-03, care-leaver",
        "15 results, json, as of 2026-11-03",
    ]
    assert all(e.user is None for e in entries)


def test_output_file_is_written_whole_and_private(register, tmp_path):
    target = tmp_path / "compliance.csv"
    err = StringIO()
    call_command(
        "compliance",
        "--as-of",
        "2026-11-03",
        "--format",
        "csv",
        "--output",
        str(target),
        stdout=StringIO(),
        stderr=err,
    )
    assert target.read_text(encoding="utf-8").splitlines()[0] == HEADER
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Wrote 15 results" in err.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["compliance.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cohort", "toddlers"], "Not a cohort: 'toddlers'. Use one of care-leaver, looked-after,"),
        (["--check", "bedtime"], "Not a check: 'bedtime'. Use one of pathway-plan-review,"),
        (
            ["--as-of", "31/02/2026"],
            "--as-of '31/02/2026': no such day in the calendar",
        ),
        (["--as-of", "soon"], "--as-of 'soon': not a date"),
    ],
)
def test_invalid_input_is_refused_naming_the_valid_values(register, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("compliance", *args, stdout=StringIO(), stderr=StringIO())
    assert message in str(refused.value)


def test_the_check_error_names_every_check(register):
    with pytest.raises(CommandError) as refused:
        call_command("compliance", "--check", "x", stdout=StringIO(), stderr=StringIO())
    assert "case-recording, supervision." in str(refused.value)


def test_an_empty_register_says_so(db):
    assert "No open cases to check." in run()
    assert run("--format", "csv").splitlines() == [HEADER]


def test_a_bad_local_rules_file_is_a_clear_error(register, settings, tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text("version: 1\nname: Ours\nrules:\n  - slug: supervision\n    colour: blue\n", "utf-8")
    settings.CASEAUDIT_TIMESCALE_RULES = str(local)
    with pytest.raises(CommandError) as refused:
        call_command("compliance", stdout=StringIO(), stderr=StringIO())
    assert "The timescale rules cannot be used" in str(refused.value) and "local.yaml" in str(refused.value)


def test_as_a_person_the_rows_keep_to_their_scope_and_the_log_names_them(register):
    team = rows(run("--format", "csv", "--as", "team-manager"))
    assert {r["child_id"] for r in team} == {"N000001", "N000002"}
    entry = AccessLog.objects.get(object_type="compliance")
    assert entry.user == register.personas.team_manager
    assert entry.detail == "12 results, csv, as of 2026-11-03"


def test_a_senior_leader_gets_the_counts_and_no_row_of_a_child(register):
    text = run("--as", "senior-leader")
    assert "N000001" not in text and "3 open cases checked" in text  # the whole register, as counts
    with pytest.raises(CommandError, match="use --format text for the counts"):
        run("--format", "csv", "--as", "senior-leader")
    assert not AccessLog.objects.exists()
