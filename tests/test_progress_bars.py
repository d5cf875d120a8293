"""Commands that work through many rows show a bar while a person watches them in a terminal, and nothing
where nobody does (a pipe, cron, a log), which a bar would fill with control characters."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from tests.cases.test_import_ssda903 import write_return
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminal(monkeypatch, capsys):
    """Standard error as a terminal: what the bars wrote is read back from it. (The class is patched: the
    capture's stream during the test is not the one it has while fixtures are set up.)"""
    monkeypatch.setattr(type(sys.stderr), "isatty", lambda self: True)
    return capsys


def _register(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("child_id,cohort\nP1,looked-after\nP2,child-in-need\n", encoding="utf-8")
    return path


def test_the_register_import_shows_its_writing(tmp_path, terminal):
    call_command("import_cases", str(_register(tmp_path)), stdout=io.StringIO())
    assert "Writing cases" in terminal.readouterr().err


def test_a_return_s_import_shows_its_writing(tmp_path, terminal):
    call_command("import_returns", "--ssda903", str(write_return(tmp_path / "903")), stdout=io.StringIO())
    assert "Writing cases" in terminal.readouterr().err


def test_the_audit_history_import_shows_its_writing(tmp_path, terminal):
    history = tmp_path / "history.csv"
    history.write_text(
        "Child ID,Cohort,Audit date,Auditor grade\nH1,care-leaver,2021-03-04,good\n", encoding="utf-8"
    )
    call_command("import_audits", str(history), stdout=io.StringIO())
    assert "Writing audits" in terminal.readouterr().err


def test_the_register_export_shows_its_progress_to_a_file_and_in_a_pipe(tmp_path, terminal):
    for n in range(3):
        make_case(f"E{n}", "looked-after")
    call_command("export_cases", "--output", str(tmp_path / "register.csv"))
    assert "Exporting cases" in terminal.readouterr().err
    # Standard output carries the register alone, even while the bar is on the terminal.
    out = io.StringIO()
    call_command("export_cases", stdout=out)
    assert "Exporting cases" in terminal.readouterr().err
    assert [line.split(",")[0] for line in out.getvalue().splitlines()] == ["child_id", "E0", "E1", "E2"]


def test_the_audit_data_export_shows_its_progress(tmp_path, terminal, personas):
    from tests.cycles.builders import allocate_to, make_cycle

    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    call_command("report", "export", "--output", str(tmp_path / "audits.csv"), stderr=io.StringIO())
    assert "Exporting audits" in terminal.readouterr().err


def test_nothing_but_the_work_is_written_where_nobody_watches(tmp_path, capsys):
    call_command("import_cases", str(_register(tmp_path)), stdout=io.StringIO())
    call_command("export_cases", "--output", str(tmp_path / "out.csv"))
    err = capsys.readouterr().err
    assert "Writing cases" not in err and "Exporting cases" not in err
