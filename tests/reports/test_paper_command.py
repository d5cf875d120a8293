"""`caseaudit report paper --cycle NAME`: writes the paper to a file, never a PDF or Word file to the
terminal, and refuses an unknown cycle with the list of cycles."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog

from ..cycles.builders import make_cycle
from ..factories import Role, make_user
from .grade_history import load_three_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(tmp_path):
    load_three_years(tmp_path)


def paper(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "paper", *args, stdout=out)
    return out.getvalue()


def test_writes_a_pdf_named_after_the_cycle_in_the_current_folder(history, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert paper("--cycle", "autumn 2021") == ""
    written = tmp_path / "paper-autumn-2021.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert f"Wrote the committee paper for Autumn 2021 to {written} (pdf)." in capsys.readouterr().err
    entry = AccessLog.objects.get(action="export", object_type="cycle")
    assert entry.user is None and entry.detail == "committee paper (pdf, moderated grades)"


def test_writes_word_to_the_file_asked_for(history, tmp_path):
    target = tmp_path / "committee.docx"
    paper("--cycle", "Autumn 2021", "--format", "docx", "--output", str(target), "--grade-source", "auditor")
    word = docx.Document(str(target))
    assert word.paragraphs[1].text == "Case file audit: Autumn 2021"
    assert any(t.rows[0].cells[0].text == "Year" for t in word.tables)


def test_html_may_go_to_standard_output_but_pdf_and_word_may_not(history):
    assert paper("--cycle", "Autumn 2021", "--format", "html", "--output", "-").startswith("<!DOCTYPE html>")
    for file_format in ("pdf", "docx"):
        with pytest.raises(CommandError, match="is not for the terminal"):
            paper("--cycle", "Autumn 2021", "--format", file_format, "--output", "-")


def test_an_unknown_cycle_is_refused_with_the_list_of_cycles(history):
    with pytest.raises(CommandError) as refused:
        paper("--cycle", "Autumn 2031")
    assert str(refused.value) == (
        "There is no cycle called 'Autumn 2031'. Cycles: Autumn 2021, Autumn 2020, Autumn 2019."
    )


def test_a_draft_cycle_has_no_paper(personas):
    make_cycle([personas.own_case], name="Spring 2027", season="spring", year=2027, draft=True)
    with pytest.raises(CommandError, match="Spring 2027 is a draft sample"):
        paper("--cycle", "Spring 2027")


def test_as_a_person_only_those_who_read_reports_get_the_paper_and_the_log_names_them(history, tmp_path):
    make_user(Role.TEAM_MANAGER, "manager")
    lead = make_user(Role.QA_LEAD, "lead")
    target = str(tmp_path / "paper.html")
    with pytest.raises(CommandError, match="read reports"):
        paper("--cycle", "Autumn 2021", "--format", "html", "--output", target, "--as", "manager")
    assert not AccessLog.objects.exists()
    paper("--cycle", "Autumn 2021", "--format", "html", "--output", target, "--as", "lead")
    assert AccessLog.objects.get(action="export", object_type="cycle").user == lead
