from __future__ import annotations

import csv
import stat
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

import fastexcel
import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog, Role
from caseaudit.cases import export
from caseaudit.cases.export import ExportRefused, export_case_register, write_register_csv
from caseaudit.cases.importing.check import check_case_register
from caseaudit.cases.models import Case
from caseaudit.core.register import COLUMNS, restore_formula_text
from caseaudit.demo.authority import build_demo_authority, generate_register_rows
from caseaudit.policy import SYSTEM
from tests.factories import make_case, make_staff, make_team, make_user

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 3)


@pytest.fixture
def register() -> dict[str, Case]:
    north = make_team("Children and Families North")
    sneaky = make_team('=HYPERLINK("http://example.invalid","click")')
    manager = make_staff("Nadia Manager", north)
    worker = make_staff("Will Worker", north)
    plus = make_staff("+44 Duty Desk", sneaky)
    return {
        "open": make_case(
            "N000002",
            "care-leaver",
            north,
            worker,
            manager,
            opened_on=date(2019, 8, 27),
            birth_month=date(2005, 3, 1),
            latest_pathway_plan=date(2025, 10, 22),
            latest_contact=date(2025, 9, 9),
        ),
        "closed": make_case(
            "N000001",
            "child-in-need",
            north,
            None,
            manager,
            opened_on=date(2024, 1, 2),
            closed_on=date(2025, 6, 30),
            assessment_start=date(2024, 1, 3),
        ),
        "formula": make_case("X000003", "early-help", sneaky, plus, None),
    }


def export_text(*args: str) -> str:
    out = StringIO()
    call_command("export_cases", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(text)))


def test_header_is_the_register_columns_in_order(register):
    text = export_text()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert next(csv.reader(StringIO(text))) == list(COLUMNS)


def test_rows_hold_the_register_in_child_id_order(register):
    rows = parse(export_text())
    assert [row["child_id"] for row in rows] == ["N000001", "N000002", "X000003"]
    open_case = rows[1]
    assert open_case == {
        **dict.fromkeys(COLUMNS, ""),
        "child_id": "N000002",
        "cohort": "care-leaver",
        "team": "Children and Families North",
        "worker": "Will Worker",
        "manager": "Nadia Manager",
        "opened_on": "2019-08-27",
        "birth_month": "2005-03",
        "latest_pathway_plan": "2025-10-22",
        "latest_contact": "2025-09-09",
    }
    closed = rows[0]
    assert closed["closed_on"] == "2025-06-30" and closed["worker"] == "" and closed["birth_month"] == ""


def test_open_only_leaves_out_closed_cases(register):
    rows = parse(export_text("--open-only"))
    assert [row["child_id"] for row in rows] == ["N000002", "X000003"]


def test_formula_looking_text_is_neutralised_and_restorable(register):
    formula = parse(export_text())[2]
    assert formula["team"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert formula["worker"] == "'+44 Duty Desk"
    assert restore_formula_text(formula["team"]) == register["formula"].team.name
    assert restore_formula_text(formula["worker"]) == "+44 Duty Desk"
    assert formula["manager"] == ""


def test_the_export_is_recorded_in_the_access_log(register):
    export_text("--open-only")
    entry = AccessLog.objects.get(action="export")
    assert entry.user is None
    assert entry.object_type == "case-register"
    assert entry.detail == "2 cases, csv, open only"


def test_the_command_exports_as_the_person_named_if_they_may(register):
    qa_lead = make_user(Role.QA_LEAD, "qa")
    make_user(Role.TEAM_MANAGER, "tm")
    with pytest.raises(CommandError, match="Only the QA lead may export the case register"):
        export_text("--as", "tm")
    assert not AccessLog.objects.exists()
    assert len(parse(export_text("--as", "qa"))) == 3
    assert AccessLog.objects.get(action="export").user == qa_lead


def test_output_file_is_complete_private_and_reported_on_stderr(register, tmp_path):
    target = tmp_path / "register.csv"
    err = StringIO()
    call_command("export_cases", "--output", str(target), stdout=StringIO(), stderr=err)
    assert "Wrote 3 cases" in err.getvalue()
    assert parse(target.read_text(encoding="utf-8")) == parse(export_text())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # child-level data
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]  # no temporary file left


def test_xlsx_reads_back_with_the_same_values_as_text(register, tmp_path):
    target = tmp_path / "register.xlsx"
    call_command("export_cases", "--output", str(target), stdout=StringIO(), stderr=StringIO())
    sheet = fastexcel.read_excel(target).load_sheet(0, dtypes="string")
    frame = sheet.to_polars()
    assert frame.columns == list(COLUMNS)
    from_xlsx = [{k: v or "" for k, v in row.items()} for row in frame.iter_rows(named=True)]
    from_csv = parse(export_text())
    for row in from_csv:  # the workbook keeps text as text, so it needs no quote
        for column in ("team", "worker", "manager"):
            row[column] = restore_formula_text(row[column])
    assert from_xlsx == from_csv


def test_xlsx_cells_are_text_never_formulas(register, tmp_path):
    target = tmp_path / "register.xlsx"
    export_case_register(target, file_format="xlsx", acting_user=SYSTEM)
    with zipfile.ZipFile(target) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    # constant_memory mode writes text inline: the formula-looking name is a text cell.
    assert '<c r="C4" t="inlineStr"><is><t>=HYPERLINK(' in sheet
    assert AccessLog.objects.get(action="export").detail == "3 cases, xlsx"


def test_xlsx_needs_a_file_and_fits_one_sheet(register, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="--output"):
        export_text("--format", "xlsx")
    monkeypatch.setattr(export, "XLSX_MAX_CASES", 2)
    with pytest.raises(ExportRefused, match="use CSV"):
        export_case_register(tmp_path / "big.xlsx", file_format="xlsx", acting_user=SYSTEM)
    assert not list(tmp_path.iterdir())
    assert not AccessLog.objects.filter(action="export").exists()


def test_export_streams_rows_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    build_demo_authority(cases=240, seed=2018, today=TODAY)
    out = StringIO()
    # One query for the rows (names joined in), and the access-log entry (on PostgreSQL the log's lock,
    # its last entry, the new one), whatever the size.
    with django_assert_max_num_queries(4):
        count = export_case_register(out, acting_user=SYSTEM)
    assert count == 240


def test_exported_demo_data_is_exactly_the_generated_rows():
    build_demo_authority(cases=240, seed=2018, today=TODAY)
    out = StringIO()
    write_register_csv(out)
    expected = sorted(generate_register_rows(240, 2018, TODAY), key=lambda row: row["child_id"])
    assert parse(out.getvalue()) == expected


def test_export_then_import_changes_nothing(tmp_path):
    build_demo_authority(cases=240, seed=2018, today=TODAY)
    target = tmp_path / "register.csv"
    export_case_register(target, acting_user=SYSTEM)
    result = check_case_register(target, acting_user=SYSTEM)
    assert result.errors == []
    totals = result.totals
    assert totals.created == 0 and totals.updated == 0 and totals.closed == 0
    assert totals.unchanged == Case.objects.count() == 240


def test_formula_looking_names_survive_the_round_trip(register, tmp_path):
    target = tmp_path / "register.csv"
    export_case_register(target, acting_user=SYSTEM)
    result = check_case_register(Path(target), acting_user=SYSTEM)
    assert result.errors == []
    totals = result.totals
    assert (totals.created, totals.updated, totals.closed, totals.unchanged) == (0, 0, 0, 3)
