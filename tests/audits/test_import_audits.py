"""import_audit_history: years of past audit results loaded from a spreadsheet as completed audits."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits.actions.history import import_audit_history
from caseaudit.audits.history_import.check import check_audit_history
from caseaudit.audits.history_import.result import RowsRefused
from caseaudit.audits.models import Audit, AuditTemplate, GradeScale
from caseaudit.audits.templates_store import default_grade_scale
from caseaudit.cases.models import Case
from caseaudit.policy import SYSTEM
from caseaudit.readers.table import ImportRefused
from tests.cycles.builders import make_cycle
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)
HEADER = ["Child ID", "Cohort", " Audit date ", "AUDITOR GRADE", "Moderated grade", "Auditor", "Cycle"]
# Three years, several cohorts, grades as labels, slugs and abbreviations in any case; NEW1 and NEW2 are
# not in the register. A2's unknown cycle and unmatched auditor are kept as no cycle and no auditor.
THREE_YEARS = [
    ["A1", "care-leaver", "2019-10-14", "Good", "Good", "Ada Auditor", "Autumn 2019"],
    ["A2", "Care leaver", "21/10/2019", "RI", "", "auditor-two", ""],
    ["A3", "CIN", "05/11/2019", "outstanding", "good", "", ""],
    ["NEW1", "child-in-need", "2019-11-20", "Good", "", "", ""],
    ["A1", "care-leaver", "2020-10-12", "requires-improvement", "Requires improvement to be good", "", ""],
    ["A2", "looked-after", "2020-04-20", "Inadequate", "requires improvement", "Someone Else", "Spring 2020"],
    ["NEW1", "CP", "2020-05-11", "Requires Improvement", "", "", ""],
    ["A3", "child-in-need", "03/05/2021", "GOOD", "Outstanding", "", ""],
    ["NEW2", "early help", "2021-04-26", "good", "", "", ""],
]


def write_csv(tmp_path: Path, rows: list[list[str]], name: str = "history.csv", header=HEADER) -> Path:
    path = tmp_path / name
    lines = [",".join(header), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path: Path, rows: list[list[str]], name: str = "history.xlsx") -> Path:
    """The same rows as a workbook: ISO dates as real Excel date cells, dd/mm/yyyy ones as typed text."""
    path = tmp_path / name
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet("Audits 2019-2021")
        dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if c == 2 and value[4:5] == "-":
                    sheet.write_datetime(r, c, datetime.fromisoformat(value), dates)
                elif value:
                    sheet.write_string(r, c, value)
        workbook.add_worksheet("Notes").write(0, 0, "Grades as agreed at the QA panel")
    return path


def run(path: Path, **options):
    return import_audit_history(path, acting_user=SYSTEM, today=TODAY, **options)


def refused(path: Path):
    """The result of an import refused for its bad rows: all or nothing."""
    with pytest.raises(RowsRefused) as caught:
        run(path)
    return caught.value.result


def imports():
    return ChangeEvent.objects.filter(event="audits.imported")


@pytest.fixture
def register(db):
    """The register knows A1, A2 and A3; one user is Ada Auditor, another signs in as auditor-two."""
    for child_id, cohort in (("A1", "care-leaver"), ("A2", "looked-after"), ("A3", "child-in-need")):
        make_case(child_id, cohort)
    ada = make_user(Role.AUDITOR, "ada")
    ada.first_name, ada.last_name = "Ada", "Auditor"
    ada.save()
    two = make_user(Role.AUDITOR, "auditor-two")
    autumn = make_cycle([], name="Autumn 2019", year=2019)
    return {"ada": ada, "two": two, "autumn": autumn}


def audits() -> list[tuple]:
    return list(
        Audit.objects.order_by("case__child_id", "completed_on").values_list(
            "case__child_id",
            "completed_on",
            "status",
            "auditor_grade",
            "moderated_grade",
            "auditor__username",
            "cycle__name",
            "grade_scale__slug",
            "reason",
        )
    )


EXPECTED = [
    ("A1", date(2019, 10, 14), "moderated", "good", "good", "ada", "Autumn 2019", "ofsted-4", ""),
    (
        "A1",
        date(2020, 10, 12),
        "moderated",
        "requires-improvement",
        "requires-improvement",
        None,
        None,
        "ofsted-4",
        "",
    ),
    ("A2", date(2019, 10, 21), "submitted", "requires-improvement", "", "auditor-two", None, "ofsted-4", ""),
    ("A2", date(2020, 4, 20), "moderated", "inadequate", "requires-improvement", None, None, "ofsted-4", ""),
    ("A3", date(2019, 11, 5), "moderated", "outstanding", "good", None, None, "ofsted-4", ""),
    ("A3", date(2021, 5, 3), "moderated", "good", "outstanding", None, None, "ofsted-4", ""),
    ("NEW1", date(2019, 11, 20), "submitted", "good", "", None, None, "ofsted-4", ""),
    ("NEW1", date(2020, 5, 11), "submitted", "requires-improvement", "", None, None, "ofsted-4", ""),
    ("NEW2", date(2021, 4, 26), "submitted", "good", "", None, None, "ofsted-4", ""),
]
COUNTS = {
    (2019, "care-leaver"): 2,
    (2019, "child-in-need"): 2,
    (2020, "care-leaver"): 1,
    (2020, "looked-after"): 1,
    (2020, "child-protection"): 1,
    (2021, "child-in-need"): 1,
    (2021, "early-help"): 1,
}


def created_by_year_and_cohort(result) -> dict[tuple[int | None, str], int]:
    return {(year, cohort): counts.created for year, cohort, counts in result.rows}


def test_three_years_of_audits_are_loaded_as_completed_audits(tmp_path, register):
    result = run(write_csv(tmp_path, THREE_YEARS))
    assert result.written and not result.errors, result.errors
    assert audits() == EXPECTED
    assert created_by_year_and_cohort(result) == COUNTS
    assert [year for year, _, _ in result.rows] == [2019, 2019, 2020, 2020, 2020, 2021, 2021]
    assert (result.totals.created, result.totals.updated, result.totals.unchanged) == (9, 0, 0)
    assert result.warnings == [
        "1 cycle name(s) are not cycles in caseaudit, so their 1 audit(s) are kept without a cycle: "
        "'Spring 2020'.",
        "1 auditor name(s) match no single caseaudit user, so their 1 audit(s) are kept without an auditor: "
        "'Someone Else'.",
    ]


def test_a_child_not_in_the_register_gets_a_closed_case_from_their_latest_audit(tmp_path, register):
    result = run(write_csv(tmp_path, THREE_YEARS))
    assert result.cases_created == 2
    assert list(
        Case.objects.filter(child_id__startswith="NEW").values_list("child_id", "cohort", "closed_on")
    ) == [
        ("NEW1", "child-protection", date(2020, 5, 11)),
        ("NEW2", "early-help", date(2021, 4, 26)),
    ]
    # Register cases are not touched: A2 stays an open looked-after case.
    assert Case.objects.filter(child_id="A2", cohort="looked-after", closed_on=None).exists()


def test_historical_audits_are_on_the_default_tools_scale(tmp_path, register):
    run(write_csv(tmp_path, THREE_YEARS[:1]))
    scale = default_grade_scale()
    assert list(GradeScale.objects.all()) == [scale]
    assert scale.grades[1]["descriptor"]  # the shipped scale, with its descriptors
    assert set(Audit.objects.values_list("grade_scale", flat=True)) == {scale.pk}


def test_bad_rows_are_all_listed_and_nothing_is_written(tmp_path, register):
    rows = [
        ["B1", "care-leaver", "2019-10-14", "Good", "", "", ""],
        ["B2", "care-leaver", "2019-10-15", "Brilliant", "", "", ""],
        ["B3", "care-leaver", "31/02/2019", "Good", "", "", ""],
        ["B4", "care-leaver", "2027-01-01", "Good", "", "", ""],
        ["", "care-leaver", "2019-10-16", "Good", "", "", ""],
        ["B5", "care-leaver", "2019-10-17", "Good", "", "", ""],
        ["B5", "care-leaver", "17/10/2019", "Good", "", "", ""],
        ["B6", "care-leaver", "2019-10-18", "", "", "", ""],
        ["B7", "adoption", "2019-10-19", "Good", "Superb", "", ""],
    ]
    result = refused(write_csv(tmp_path, rows))
    assert not result.written
    assert [(e.source, e.row, e.column, e.value) for e in result.errors] == [
        ("history.csv", 3, "AUDITOR GRADE", "Brilliant"),
        ("history.csv", 4, "Audit date", "31/02/2019"),
        ("history.csv", 5, "Audit date", "2027-01-01"),
        ("history.csv", 6, "Child ID", ""),
        ("history.csv", 7, "Child ID", "B5"),  # one error for both of B5's rows, at the first
        ("history.csv", 9, "AUDITOR GRADE", ""),
        ("history.csv", 10, "Cohort", "adoption"),
        ("history.csv", 10, "Moderated grade", "Superb"),
    ]
    reasons = [e.reason for e in result.errors]
    assert reasons[0].startswith("not a grade on the Ofsted four-point scale: use Inadequate,")
    assert "no such day" in reasons[1]
    assert reasons[2] == "in the future (today is 01/11/2026)"
    assert reasons[3] == "a Child Unique ID is required"
    assert reasons[4] == "audited twice on 17/10/2019 in the file (rows 7 and 8)"
    assert reasons[5] == "a grade is required: the auditor's, the moderated grade, or both"
    assert result.error_count == 8
    assert result.totals.rejected == 8 and result.totals.created == 1
    assert result.counts(None, "care-leaver").rejected == 1 and result.counts(2019, "unknown").rejected == 1
    assert Audit.objects.count() == 0 and Case.objects.count() == 3 and not imports().exists()
    assert not GradeScale.objects.exists()


def test_skip_invalid_writes_the_valid_rows(tmp_path, register):
    rows = [*THREE_YEARS, ["A9", "care-leaver", "2019-10-15", "Brilliant", "", "", ""]]
    result = run(write_csv(tmp_path, rows), skip_invalid=True)
    assert result.written and len(result.errors) == 1
    assert audits() == EXPECTED
    assert (result.totals.created, result.totals.rejected, result.cases_created) == (9, 1, 2)
    assert not Case.objects.filter(child_id="A9").exists()
    assert imports().get().new["rejected"] == 1


def test_dry_run_writes_nothing_and_says_what_would_happen(tmp_path, register):
    result = check_audit_history(write_csv(tmp_path, THREE_YEARS), acting_user=SYSTEM, today=TODAY)
    assert not result.written and result.dry_run
    assert created_by_year_and_cohort(result) == COUNTS and result.cases_created == 2
    assert Audit.objects.count() == 0 and Case.objects.count() == 3
    assert not GradeScale.objects.exists()
    assert not imports().exists()


def test_a_dry_run_lists_the_bad_rows_too(tmp_path, register):
    rows = [*THREE_YEARS, ["A9", "care-leaver", "2019-10-15", "Brilliant", "", "", ""]]
    result = check_audit_history(write_csv(tmp_path, rows), acting_user=SYSTEM, today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(11, "AUDITOR GRADE")]
    assert result.totals.created == 9 and not imports().exists()


def test_only_the_qa_lead_may_check_a_file(tmp_path, register):
    with pytest.raises(PermissionDenied, match="Only the QA lead imports historical audits"):
        check_audit_history(write_csv(tmp_path, THREE_YEARS), acting_user=make_user(Role.MODERATOR))


def test_importing_the_same_file_again_changes_nothing(tmp_path, register):
    path = write_csv(tmp_path, THREE_YEARS)
    run(path)
    before = list(Audit.objects.order_by("pk").values())
    again = run(path)
    assert (again.totals.created, again.totals.updated, again.totals.unchanged) == (0, 0, 9)
    assert again.cases_created == 0
    assert list(Audit.objects.order_by("pk").values()) == before
    assert Case.objects.count() == 5
    # The import itself is history, even when it changed no audit.
    assert [change.new["unchanged"] for change in imports().order_by("pk")] == [0, 9]


def test_a_history_of_moderated_grades_alone_loads_with_its_provider_and_again_changes_nothing(
    tmp_path, register
):
    header = ["child_id", "cohort", "audit_date", "Moderated grade", "Provider"]
    rows = [
        ["A1", "care-leaver", "2019-10-14", "Good", "Northern Audit Partners"],
        ["A2", "CIN", "2019-10-15", "RI", ""],
    ]
    path = write_csv(tmp_path, rows, header=header)
    assert run(path).totals.created == 2
    assert sorted(
        Audit.objects.values_list("status", "auditor_grade", "moderated_grade", "auditor_organisation")
    ) == [
        ("moderated", "", "good", "Northern Audit Partners"),
        ("moderated", "", "requires-improvement", ""),
    ]
    again = run(path)
    assert (again.totals.created, again.totals.updated, again.totals.unchanged) == (0, 0, 2)
    # A later file that names the provider of A2's audit adds it; a blank one never removes it.
    rows[0][4], rows[1][4] = "", "Southern Reviews Ltd"
    assert run(write_csv(tmp_path, rows, header=header)).totals.updated == 1
    assert sorted(Audit.objects.values_list("auditor_organisation", flat=True)) == [
        "Northern Audit Partners",
        "Southern Reviews Ltd",
    ]


def test_changed_grades_update_the_audit_of_that_child_and_date(tmp_path, register):
    run(write_csv(tmp_path, THREE_YEARS))
    changed = [row.copy() for row in THREE_YEARS]
    changed[1][4] = "Good"  # A2's 2019 audit is now moderated to Good
    result = run(write_csv(tmp_path, changed))
    assert (result.totals.created, result.totals.updated, result.totals.unchanged) == (0, 1, 8)
    audit = Audit.objects.get(case__child_id="A2", completed_on=date(2019, 10, 21))
    assert (audit.status, audit.auditor_grade, audit.moderated_grade) == (
        "moderated",
        "requires-improvement",
        "good",
    )
    assert audit.auditor == register["two"]  # kept
    assert Audit.objects.count() == 9


def test_an_xlsx_workbook_imports_the_same(tmp_path, register):
    result = run(write_xlsx(tmp_path, THREE_YEARS))
    assert result.written and not result.errors, result.errors
    assert audits() == EXPECTED
    assert created_by_year_and_cohort(result) == COUNTS
    assert "only the first sheet, 'Audits 2019-2021', was read; not read: 'Notes'" in result.warnings[0]


def test_xlsx_errors_name_the_row_a_person_sees(tmp_path, register):
    rows = [THREE_YEARS[0], ["A2", "care-leaver", "2019-10-15", "Great", "", "", ""]]
    result = refused(write_xlsx(tmp_path, rows))
    assert [(e.source, e.row, e.column, e.value) for e in result.errors] == [
        ("history.xlsx", 3, "AUDITOR GRADE", "Great")
    ]


def test_an_audit_done_in_caseaudit_is_never_overwritten(tmp_path, register):
    scale = default_grade_scale()
    template = AuditTemplate.objects.create(
        slug="t", version=1, name="Tool", grade_scale=scale, definition={}
    )
    case = Case.objects.get(child_id="A1")
    Audit.objects.create(
        case=case,
        template=template,
        completed_on=date(2019, 10, 14),
        status="moderated",
        auditor_grade="good",
    )
    result = refused(write_csv(tmp_path, THREE_YEARS[:1]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "AUDITOR GRADE")]
    assert "was done in caseaudit" in result.errors[0].reason
    assert Audit.objects.get().moderated_grade == ""


def test_one_audit_per_case_per_cycle(tmp_path, register):
    spring = make_cycle([Case.objects.get(child_id="A3")], name="Spring 2021", season="spring", year=2021)
    rows = [
        ["A3", "child-in-need", "2021-05-03", "Good", "", "", "spring 2021"],
        ["A1", "care-leaver", "2019-10-14", "Good", "", "", "Autumn 2019"],
        ["A1", "care-leaver", "2019-11-14", "Good", "", "", "Autumn 2019"],
    ]
    result = refused(write_csv(tmp_path, rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Cycle"), (3, "Cycle")]
    planned = Audit.objects.get(cycle=spring)
    assert f"already has an audit in this cycle (audit {planned.pk})" in result.errors[0].reason
    assert "more than once in this cycle (rows 3 and 4)" in result.errors[1].reason
    assert not result.written and Audit.objects.count() == 1


def test_an_auditor_name_two_users_share_matches_no_one(tmp_path, register):
    for username in ("sam1", "sam2"):
        user = make_user(Role.AUDITOR, username)
        user.first_name, user.last_name = "Sam", "Smith"
        user.save()
    result = run(write_csv(tmp_path, [["A1", "care-leaver", "2019-10-14", "Good", "", " sam  SMITH", ""]]))
    assert Audit.objects.get().auditor is None
    assert "1 auditor name(s) match no single caseaudit user" in result.warnings[0]


def test_a_file_with_a_header_and_no_rows_is_refused(tmp_path, register):
    with pytest.raises(ImportRefused, match="no rows of audits"):
        run(write_csv(tmp_path, []))


def test_a_missing_required_column_refuses_the_file_by_name(tmp_path, register):
    path = write_csv(tmp_path, [["A1", "2019-10-14", "Good"]], header=["child_id", "date", "grade"])
    with pytest.raises(
        ImportRefused,
        match=r"has no 'cohort' column and no 'audit_date' column and no grade column \('auditor_grade', ",
    ):
        run(path)


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, register):
    path = tmp_path / "history.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ImportRefused, match="caseaudit reads CSV files"):
        run(path)


def test_only_the_qa_lead_may_import(tmp_path, register):
    path = write_csv(tmp_path, THREE_YEARS)
    for role in (Role.MODERATOR, Role.AUDITOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SENIOR_LEADER):
        with pytest.raises(PermissionDenied):
            import_audit_history(path, acting_user=make_user(role), today=TODAY)
    assert Audit.objects.count() == 0 and not imports().exists()
    qa_lead = make_user(Role.QA_LEAD)
    assert import_audit_history(path, acting_user=qa_lead, today=TODAY).written
    change = imports().get()
    assert (change.actor, change.subject_type, change.subject_id, change.old) == (
        qa_lead,
        "audit-history",
        "",
        {},
    )
    assert change.new == {
        "file": "history.csv",
        "created": 9,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "cases_created": 2,
    }


def test_command_prints_counts_per_year_and_cohort(tmp_path, register, capsys):
    call_command("import_audits", str(write_csv(tmp_path, THREE_YEARS)))
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "Imported history.csv:"
    assert lines[1].split() == ["year", "cohort", "created", "updated", "unchanged", "rejected"]
    assert lines[2].split() == ["2019", "Care", "leaver", "2", "0", "0", "0"]
    assert lines[-3].split() == ["Total", "9", "0", "0", "0"]
    assert lines[-2].endswith("not in the register: 2")
    assert lines[-1] == "Warnings: 2. Errors: 0."
    assert "warning: 1 cycle name(s)" in captured.err


def test_command_exits_non_zero_listing_errors_and_writes_nothing(tmp_path, register, capsys):
    path = write_csv(tmp_path, [*THREE_YEARS, ["A1", "care-leaver", "2019-10-15", "Brilliant", "", "", ""]])
    # CommandError is what makes `caseaudit` exit non-zero (run_from_argv turns it into exit status 1);
    # running the whole command line here would close the test's database connection on PostgreSQL.
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_audits", str(path))
    captured = capsys.readouterr()
    assert "error: history.csv row 11, AUDITOR GRADE 'Brilliant': not a grade" in captured.err
    assert "Not imported: history.csv has errors" in captured.out
    assert Audit.objects.count() == 0 and not imports().exists()


def test_command_skip_invalid_and_dry_run(tmp_path, register, capsys):
    path = write_csv(tmp_path, [*THREE_YEARS, ["A1", "care-leaver", "2019-10-15", "Brilliant", "", "", ""]])
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_audits", str(path), "--dry-run")
    assert "Dry run: nothing was written" in capsys.readouterr().out
    call_command("import_audits", str(path), "--skip-invalid")
    assert Audit.objects.count() == 9


def test_command_acts_as_a_named_person(tmp_path, register):
    path = write_csv(tmp_path, THREE_YEARS)
    with pytest.raises(CommandError, match="Only the QA lead imports historical audits"):
        call_command("import_audits", str(path), "--as", "ada")
    assert Audit.objects.count() == 0
    qa_lead = make_user(Role.QA_LEAD, "lead")
    call_command("import_audits", str(path), "--as", "lead")
    assert imports().get().actor == qa_lead and Audit.objects.count() == 9


def test_command_refuses_an_unreadable_file_cleanly(tmp_path, register):
    path = tmp_path / "history.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="caseaudit reads CSV files"):
        call_command("import_audits", str(path))
