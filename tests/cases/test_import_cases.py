"""import_case_register: what a QA lead sees when the open caseload comes in from a CSV file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.cases.actions import import_case_register
from caseaudit.cases.importing.check import check_case_register
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case, ImportBatch, Staff, Team
from caseaudit.policy import SYSTEM
from tests.factories import make_case, make_user

TODAY = date(2026, 11, 1)
HEADER = "child_id,cohort,team,worker,manager,opened_on,latest_pathway_plan\n"


def write(tmp_path: Path, body: str, name: str = "register.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def run(path: Path, **options):
    """What the import did: written, or refused (all or nothing) with every bad row listed."""
    try:
        return import_case_register(path, acting_user=SYSTEM, today=TODAY, **options)
    except RowsRefused as refused:
        return refused.result


pytestmark = pytest.mark.django_db


def test_new_cases_are_created_with_names_and_dates(tmp_path):
    result = run(write(tmp_path, "A1,Care leaver,North,Will Worker,Nadia Manager,2019-01-01,01/06/2026\n"))
    assert result.written and result.totals.created == 1
    case = Case.objects.select_related("team", "worker", "manager").get(child_id="A1")
    assert (case.cohort, case.team.name, case.worker.name, case.manager.name) == (
        "care-leaver",
        "North",
        "Will Worker",
        "Nadia Manager",
    )
    assert case.opened_on == date(2019, 1, 1) and case.latest_pathway_plan == date(2026, 6, 1)
    assert case.worker.team == case.team  # a new worker joins the team of their first case
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.kind, batch.created) == ("register.csv", "csv", 1)
    assert case.import_batch == batch


def test_one_bad_row_writes_nothing_and_lists_every_bad_row(tmp_path):
    path = write(
        tmp_path,
        "A1,care-leaver,North,,,2019-01-01,\nA2,adoption,North,,,2019-01-01,\nA3,CIN,North,,,31/02/2019,\n",
    )
    with pytest.raises(RowsRefused, match="2 problem"):
        import_case_register(path, acting_user=SYSTEM, today=TODAY)
    result = run(path)
    assert not result.written
    assert Case.objects.count() == 0 and Team.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (3, "cohort", "adoption"),
        (4, "opened_on", "31/02/2019"),
    ]
    assert "no such day" in result.errors[1].reason
    assert result.totals.rejected == 2 and result.counts("unknown").rejected == 1


def test_a_case_closed_before_it_opened_is_imported_as_it_is_with_a_warning(tmp_path):
    """Implausible, not invalid: dropping the row would lose the case, correcting it would be a guess."""
    path = write(
        tmp_path,
        "A1,CIN,2019-01-01,\nA2,CIN,2020-05-01,2020-04-30\n",
        header="child_id,cohort,opened_on,closed_on\n",
    )
    result = run(path)
    assert result.written and result.errors == []
    assert Case.objects.get(child_id="A2").closed_on == date(2020, 4, 30)
    assert result.warnings == [
        "1 case has implausible data: 1 closed before opening. The cases are imported as they are: see the "
        "data quality page."
    ]


def test_skip_invalid_writes_the_valid_rows(tmp_path):
    result = run(write(tmp_path, "A1,care-leaver,,,,,\nA2,adoption,,,,,\n"), skip_invalid=True)
    assert result.written
    assert list(Case.objects.values_list("child_id", flat=True)) == ["A1"]
    assert result.totals.created == 1 and result.totals.rejected == 1


def test_dry_run_writes_nothing_but_counts_the_changes(tmp_path):
    make_case("OLD1", "looked-after")
    result = check_case_register(write(tmp_path, "A1,care-leaver,,,,,\n"), acting_user=SYSTEM)
    assert not result.written
    assert result.totals.created == 1 and result.counts("looked-after").closed == 1
    assert list(Case.objects.values_list("child_id", "closed_on")) == [("OLD1", None)]


def test_reimport_updates_changed_cases_and_leaves_the_rest(tmp_path):
    run(write(tmp_path, "A1,care-leaver,North,Will,,2019-01-01,\nA2,CIN,North,Will,,2019-01-01,\n"))
    result = run(write(tmp_path, "A1,care-leaver,South,Will,,2019-01-01,\nA2,CIN,North,Will,,2019-01-01,\n"))
    assert (result.totals.updated, result.totals.unchanged, result.totals.created) == (1, 1, 0)
    assert Case.objects.get(child_id="A1").team.name == "South"


def test_full_import_closes_absent_open_cases_and_never_deletes(tmp_path):
    make_case("GONE", "child-protection")
    make_case("LONG-CLOSED", "child-in-need", closed_on=date(2020, 1, 1))
    # Two of three open cases close: more than a tenth of the register, so the import is told it may.
    result = run(write(tmp_path, "A1,care-leaver,,,,,\n"), allow_close=True)
    assert result.counts("child-protection").closed == 1
    assert Case.objects.get(child_id="GONE").closed_on == TODAY
    assert Case.objects.get(child_id="LONG-CLOSED").closed_on == date(2020, 1, 1)
    assert Case.objects.count() == 3


def test_partial_import_closes_nothing(tmp_path):
    make_case("KEEP", "child-protection")
    result = run(write(tmp_path, "A1,care-leaver,,,,,\n"), partial=True)
    assert result.totals.closed == 0
    assert Case.objects.get(child_id="KEEP").closed_on is None


def test_a_rejected_row_never_closes_its_childs_case(tmp_path):
    make_case("A2", "child-in-need")
    run(write(tmp_path, "A1,care-leaver,,,,,\nA2,CIN,,,,not a date,\n"), skip_invalid=True)
    assert Case.objects.get(child_id="A2").closed_on is None


def test_a_closed_case_listed_again_is_reopened(tmp_path):
    make_case("A1", "care-leaver", closed_on=date(2025, 1, 1))
    result = run(write(tmp_path, "A1,care-leaver,,,,,\n", header="child_id,cohort,team,worker,manager,x,y\n"))
    assert result.totals.updated == 1
    assert Case.objects.get(child_id="A1").closed_on is None


def test_columns_missing_from_the_file_are_left_as_they_were(tmp_path):
    make_case("A1", "care-leaver", latest_pathway_plan=date(2026, 5, 1))
    result = run(write(tmp_path, "A1,care-leaver\n", header="child_id,cohort\n"))
    assert result.totals.unchanged == 1
    assert Case.objects.get(child_id="A1").latest_pathway_plan == date(2026, 5, 1)


def test_a_child_twice_in_a_csv_is_refused_on_both_rows_in_one_error(tmp_path):
    result = run(write(tmp_path, "A1,care-leaver,,,,,\nB1,CIN,,,,,\nA1,CIN,,,,,\n"))
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "child_id", "A1")]
    assert result.errors[0].reason.startswith("Child Unique ID A1 appears on 2 rows: rows 2 and 4.")
    assert result.totals.rejected == 2 and not result.written


def test_headers_are_matched_loosely_and_unknown_columns_warned(tmp_path):
    path = write(tmp_path, "A1,care leaver,x\n", header="Child ID, COHORT ,Local notes\n")
    result = run(path)
    assert result.written and result.totals.created == 1
    assert list(Case.objects.values_list("child_id", "cohort")) == [("A1", "care-leaver")]
    assert result.warnings == ["register.csv: columns not used: 'Local notes'."]


def test_a_missing_required_column_refuses_the_file_by_name(tmp_path):
    from caseaudit.readers.table import ImportRefused

    with pytest.raises(ImportRefused, match="no 'cohort' column"):
        run(write(tmp_path, "A1,North\n", header="child_id,team\n"))


def test_names_and_formulas_are_refused_as_child_ids(tmp_path):
    result = run(write(tmp_path, "Jane Smith,care-leaver,,,,,\n=HYPERLINK(1),care-leaver,,,,,\n"))
    assert [e.column for e in result.errors] == ["child_id", "child_id"]


def test_formula_text_in_names_is_kept_as_text(tmp_path):
    run(write(tmp_path, "A1,care-leaver,=1+2,'@worker,,,\n"))
    case = Case.objects.select_related("team", "worker").get()
    assert (case.team.name, case.worker.name) == ("=1+2", "@worker")


def test_existing_staff_and_teams_are_reused(tmp_path):
    run(write(tmp_path, "A1,care-leaver,North,Will,,,\n"))
    run(write(tmp_path, "A1,care-leaver,North,Will,,,\nA2,care-leaver,North,Will,,,\n"))
    assert Team.objects.count() == 1 and Staff.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        # Mo is first named as A1's manager (North), then as A2's worker (South).
        "A1,care-leaver,North,Will,Mo,,\nA2,care-leaver,South,Mo,,,\n",
        # Mo is first named on OLD's row (a case the register has, in North), then on NEW's (South).
        "OLD,care-leaver,North,Mo,,,\nNEW,care-leaver,South,Mo,,,\n",
    ],
)
def test_a_new_member_of_staff_joins_the_team_of_the_first_row_naming_them(tmp_path, body):
    make_case("OLD", "child-in-need")
    # Partial: in the first file OLD is not listed, and closing the whole register would need a say-so.
    assert run(write(tmp_path, body), partial=True).written
    assert Staff.objects.get(name="Mo").team.name == "North"


@pytest.mark.parametrize(
    "data",
    [
        '"child_id","cohort","team","opened_on"\n"A1","CIN","North",""\n',
        '"child_id","cohort","team","opened_on"\n"A1","CIN","","2020-01-01"\n',
    ],
)
def test_a_quoted_empty_cell_is_no_value_as_an_empty_cell_is(tmp_path, data):
    """Exports that quote every cell write an empty one as "": read_text_csv promises that an empty cell is
    null, quoted or not."""
    path = tmp_path / "quoted.csv"
    path.write_text(data, encoding="utf-8")
    result = run(path)
    assert result.written and not result.errors
    case = Case.objects.select_related("team").get(child_id="A1")
    assert case.cohort == "child-in-need"
    assert not Team.objects.filter(name="").exists()
    assert (case.team.name if case.team else None, case.opened_on) in [
        ("North", None),
        (None, date(2020, 1, 1)),
    ]


def test_windows_1252_csv_is_read_with_a_warning(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("child_id,cohort,team\nA1,care-leaver,Caf\xe9 team\n".encode("cp1252"))
    result = run(path)
    assert Team.objects.get().name == "Café team"
    assert "Windows-1252" in result.warnings[0]


def test_only_the_qa_lead_may_import_or_check(tmp_path):
    path = write(tmp_path, "A1,care-leaver,,,,,\n")
    for role in (Role.MODERATOR, Role.AUDITOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SENIOR_LEADER):
        person = make_user(role)
        with pytest.raises(PermissionDenied, match="Only the QA lead may import the case register"):
            import_case_register(path, acting_user=person, today=TODAY)
        with pytest.raises(PermissionDenied):
            check_case_register(path, acting_user=person)
    assert not Case.objects.exists() and not ChangeEvent.objects.exists()
    qa_lead = make_user(Role.QA_LEAD)
    assert import_case_register(path, acting_user=qa_lead, today=TODAY).written
    assert ImportBatch.objects.get().user == qa_lead


def test_an_import_is_recorded_in_the_change_history_with_what_it_changed(tmp_path):
    make_case("OLD1", "looked-after")
    make_case("A2", "care-leaver")
    qa_lead = make_user(Role.QA_LEAD)
    body = "A1,care-leaver,,,,,\nA2,care-leaver,North,,,,\nA3,CIN,,,,,\n"
    result = import_case_register(write(tmp_path, body), acting_user=qa_lead, today=TODAY, allow_close=True)
    event = ChangeEvent.objects.get()
    assert (event.event, event.actor, event.subject_type, event.subject_id) == (
        "register.imported",
        qa_lead,
        "register",
        str(result.batch_id),
    )
    assert event.old == {} and event.new == {"created": 2, "updated": 1, "closed": 1}


def test_a_refused_or_checked_import_records_no_change(tmp_path):
    check_case_register(write(tmp_path, "A1,care-leaver,,,,,\n"), acting_user=SYSTEM)
    with pytest.raises(RowsRefused):
        import_case_register(write(tmp_path, "A1,nonsense,,,,,\n"), acting_user=SYSTEM, today=TODAY)
    assert not ChangeEvent.objects.exists() and not ImportBatch.objects.exists()


def test_the_command_acts_as_the_person_named(tmp_path):
    qa_lead = make_user(Role.QA_LEAD, "qa")
    make_user(Role.MODERATOR, "mo")
    path = write(tmp_path, "A1,care-leaver,,,,,\n")
    with pytest.raises(CommandError, match="Only the QA lead may import the case register"):
        call_command("import_cases", str(path), "--as", "mo")
    call_command("import_cases", str(path), "--as", "qa")
    assert ChangeEvent.objects.get().actor == qa_lead
    call_command("import_cases", str(path))
    assert ChangeEvent.objects.first().actor_name == "system"


def test_command_prints_counts_per_cohort(tmp_path, capsys):
    call_command("import_cases", str(write(tmp_path, "A1,care-leaver,,,,,\nA2,CP,,,,,\n")))
    assert sorted(Case.objects.values_list("child_id", "cohort")) == [
        ("A1", "care-leaver"),
        ("A2", "child-protection"),
    ]
    assert ImportBatch.objects.get().user is None  # the command line
    out = capsys.readouterr().out
    assert "Imported register.csv" in out
    assert "Care leaver" in out and "Child protection" in out


def test_command_fails_listing_errors_and_writes_nothing(tmp_path, capsys):
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_cases", str(write(tmp_path, "A1,nonsense,,,,,\n")))
    assert "row 2, cohort 'nonsense'" in capsys.readouterr().err
    assert Case.objects.count() == 0


def test_command_dry_run_says_so(tmp_path, capsys):
    call_command("import_cases", str(write(tmp_path, "A1,care-leaver,,,,,\n")), "--dry-run")
    assert "Dry run: nothing was written" in capsys.readouterr().out
    assert Case.objects.count() == 0


def test_command_refuses_an_unreadable_file_cleanly(tmp_path):
    path = tmp_path / "register.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="caseaudit reads CSV files"):
        call_command("import_cases", str(path))


def test_a_file_with_a_header_and_no_rows_is_refused_rather_than_closing_everything(tmp_path):
    from caseaudit.readers.table import ImportRefused

    make_case("OPEN", "care-leaver")
    with pytest.raises(ImportRefused, match="no rows"):
        run(write(tmp_path, ""))
    assert Case.objects.get().closed_on is None
