"""`caseaudit report paper --cycle NAME`: writes the paper to a file, never a PDF or Word file to the
terminal, and refuses an unknown cycle with the list of cycles."""

from __future__ import annotations

import io
import stat

import docx
import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.reports import paper_drafts
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper_store import read_file

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


def test_writes_the_draft_named_after_the_cycle_in_the_current_folder(history, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert paper("--cycle", "autumn 2021") == ""
    written = tmp_path / "paper-autumn-2021-draft.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert (
        f"Wrote the draft of the committee paper for Autumn 2021 to {written} (pdf)."
        in capsys.readouterr().err
    )
    entry = AccessLog.objects.get(action="export", object_type="cycle")
    assert entry.user is None and entry.detail == "committee paper (pdf, moderated grades, draft)"
    # The draft is kept: written again, it is the same file, not drawn again.
    assert written.read_bytes() == read_file(PaperVersion.objects.get(state="draft"), "pdf")


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


def test_the_qa_lead_regenerates_and_issues_and_the_issued_version_is_what_is_written(
    history, tmp_path, monkeypatch, capsys
):
    lead = make_user(Role.QA_LEAD, "lead")
    first = tmp_path / "v1.docx"
    paper(
        "--cycle",
        "Autumn 2021",
        "--regenerate",
        "--issue",
        "--as",
        "lead",
        "--format",
        "docx",
        "-o",
        str(first),
    )
    err = capsys.readouterr().err
    assert "Drew a new draft of the committee paper for Autumn 2021." in err
    assert "Issued version 1 of the committee paper for Autumn 2021." in err
    version = PaperVersion.objects.get()
    assert (version.number, version.issued_by) == (1, lead)
    assert first.read_bytes() == read_file(version, "docx")
    assert ChangeEvent.objects.filter(event="paper.issued", actor=lead).exists()

    # Without --draft or --version, the latest issued version is written, as stored, never drawn again.
    monkeypatch.setattr(paper_drafts, "render_pdf", lambda paper: pytest.fail("drawn again"))
    monkeypatch.chdir(tmp_path)
    paper("--cycle", "Autumn 2021")
    assert (tmp_path / "paper-autumn-2021-v1.pdf").read_bytes() == read_file(version, "pdf")
    assert AccessLog.objects.filter(detail="committee paper (pdf, moderated grades, version 1)").exists()
    monkeypatch.undo()

    with pytest.raises(CommandError, match="has no draft paper to issue"):
        paper("--cycle", "Autumn 2021", "--issue", "--note", "Again.", "--as", "lead")
    with pytest.raises(CommandError, match="Enter what changed since the last version issued"):
        paper(
            "--cycle", "Autumn 2021", "--regenerate", "--issue", "--as", "lead", "-o", str(tmp_path / "x.pdf")
        )
    paper(
        "--cycle",
        "Autumn 2021",
        "--issue",
        "--note",
        "Checked again.",
        "--as",
        "lead",
        "-o",
        str(tmp_path / "v2.pdf"),
    )
    assert list(PaperVersion.objects.order_by("number").values_list("number", "note")) == [
        (1, ""),
        (2, "Checked again."),
    ]
    paper("--cycle", "Autumn 2021", "--version", "1", "-o", str(tmp_path / "again.pdf"))
    assert (tmp_path / "again.pdf").read_bytes() == read_file(version, "pdf")
    with pytest.raises(CommandError, match=r"has no version 3 of its paper\. Versions issued: 2, 1\."):
        paper("--cycle", "Autumn 2021", "--version", "3")


def test_only_the_qa_lead_regenerates_or_issues(history, tmp_path):
    make_user(Role.MODERATOR, "mod")
    for args in (["--regenerate"], ["--issue"], ["--regenerate", "--as", "mod"], ["--issue", "--as", "mod"]):
        with pytest.raises(CommandError, match="Only the QA lead may regenerate and issue committee papers"):
            paper("--cycle", "Autumn 2021", *args, "-o", str(tmp_path / "p.pdf"))
    assert not PaperVersion.objects.exists()
    with pytest.raises(CommandError, match="--note goes with --issue"):
        paper("--cycle", "Autumn 2021", "--note", "Why.")
