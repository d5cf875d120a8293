"""The committee paper: what it says (the summary's numbers, the "count (percent)" tables, the caveats, the
intervals), in all three formats, and that it names no child and no person."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from caseaudit.cycles.models import Cycle
from caseaudit.reports.paper.context import build_paper_context, recommendations_for
from caseaudit.reports.paper.docx import render_docx
from caseaudit.reports.paper.html import render_html
from caseaudit.reports.paper.model import Bullets, Facts, Paragraphs, Table
from caseaudit.reports.paper.pdf import render_pdf

from .grade_history import load_three_years
from .paper_builders import TODAY, build_live_cycle

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def html_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def texts(paper, slug: str) -> str:
    found = []
    for block in paper.section(slug).blocks:
        if isinstance(block, Paragraphs):
            found += block.texts
        elif isinstance(block, Bullets):
            found += block.items
        elif isinstance(block, Facts):
            found += [f"{k}: {v}" for k, v in block.pairs]
    return " ".join(found)


def table(paper, slug: str, index: int = 0) -> Table:
    return [b for b in paper.section(slug).blocks if isinstance(b, Table)][index]


@pytest.fixture
def history(tmp_path):
    load_three_years(tmp_path)
    return Cycle.objects.get(name="Autumn 2021")


def test_the_summary_says_the_key_numbers_with_the_comparability_caveat(history):
    paper = build_paper_context(history, today=date(2021, 12, 10))
    summary = texts(paper, "summary")
    # 12 care leavers and 2 early help moderated, 1 awaiting moderation: 15 in the cycle.
    assert "15 of 15 planned audits were completed (100%)." in summary
    # (0, 3, 8, 3) of 14: 11 good or better, 79% of the exact shares (the table prints 0%, 21%, 57%, 21%).
    assert "Of the 14 audits with a moderated grade, 11 (79%) were graded good or outstanding." in summary
    # Autumn 2020: (1, 5, 8, 2) of 16 is 6%, 31%, 50%, 13%: 63% good or better.
    assert "up 16 percentage points from 63% in Autumn 2020" in summary
    # 14 audits against 16: the summary says both are small before the reader weighs the change.
    assert (
        "Both periods are small samples, fewer than 20 audits each (Autumn 2021 (14 audits) and Autumn 2020 "
        "(16 audits)): a change of this size may be chance."
    ) in summary
    assert "Read this change with care. Periods were sampled differently" in summary
    assert "Autumn 2021: half of the open cases; Autumn 2020: every open case" in summary
    assert paper.title == "Case file audit: Autumn 2021"


def test_the_pdf_carries_the_tables_caveats_and_intervals(history):
    paper = build_paper_context(history, today=date(2021, 12, 10))
    pdf = render_pdf(paper)
    text = pdf_text(pdf)
    assert text.startswith("Committee paper Case file audit: Autumn 2021 10 December 2021")
    assert "11 (79%) were graded good or outstanding" in text
    # The example row of docs/domain.md#percentages, as the committee reads it.
    assert "2019 Care leaver 13 0 2 (15%) 5 (39%) 6 (46%)" in text
    # Equal counts print alike, and the paper says why that row makes 99.
    assert "2021 All cohorts 14 0 3 (21%) 8 (57%) 3 (21%)" in text
    assert "Percentages may not sum to 100 because of rounding" in text
    assert "Periods were sampled differently, so they are not directly comparable." in text
    assert "not yet moderated" in text
    # The appendix: 6 of 13 is 46%, but anywhere from 23% to 71%.
    assert "46% (23% to 71%)" in text
    assert "Page 2 of" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Case file audit: Autumn 2021"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root  # tagged: headings, tables and their headers for screen readers


def test_the_tables_cover_the_years_to_the_cycles_end_and_this_cycle_by_cohort(history):
    paper = build_paper_context(history, today=date(2021, 12, 10))
    years = table(paper, "tables", 0)
    grades = ("Inadequate", "Requires improvement", "Good", "Outstanding")
    assert years.header == ("Year", "Cohort", "Audited", *grades)
    assert ("2019", "Care leaver", "13", "0", "2 (15%)", "5 (39%)", "6 (46%)") in years.rows
    # Oldest first, as the chart runs from left to right.
    assert [row[0] for row in years.rows] == sorted(row[0] for row in years.rows)
    this_cycle = table(paper, "tables", 1)
    assert ("Care leaver", "12", "0", "2 (17%)", "7 (58%)", "3 (25%)") in this_cycle.rows
    method = texts(paper, "method")
    assert "Sampling: Half of the open cases" in method
    assert "Focus cohort: Care leaver" in method


def test_auditor_grades_count_the_unmoderated_audit(history):
    paper = build_paper_context(history, grade_source="auditor", today=date(2021, 12, 10))
    assert "Of the 15 audits with an auditor's grade" in texts(paper, "summary")
    assert "The tables use the auditors' grades, before moderation." in texts(paper, "caveats")


def test_a_live_cycle_reports_method_moderation_themes_timeliness_and_actions(personas):
    live = build_live_cycle(personas)
    paper = build_paper_context(live.cycle, today=TODAY)
    summary = texts(paper, "summary")
    assert "7 of 8 planned audits were completed (88%)." in summary
    assert "Of the 6 audits with a moderated grade, 5 (83%) were graded good or outstanding." in summary
    assert "Of the 4 care leaver audits (the focus cohort), 3 were good and 0 outstanding" in summary
    assert "The moderators agreed with 4 of the 6 auditors' grades they checked (67%)." in summary
    method = texts(paper, "method")
    assert "Audit tool: " in method and "(version 1)" in method
    assert "1 of the 7 audits completed was not triangulated" in method
    assert "6 of the 7 audits completed were moderated" in method
    assert "moved it up in 1 and down in 1" in method
    evidence = dict((row[0], row[1]) for row in table(paper, "method").rows)
    assert evidence["Review of the case record"] == "7"
    assert evidence["Interview with the allocated worker"] == "6"
    cross = table(paper, "moderation")
    assert cross.rows[2] == ("Good", "0", "0", "3", "1", "4")
    assert cross.rows[3] == ("Outstanding", "0", "0", "1", "0", "1")
    assert table(paper, "themes").rows == (("Recording", "0", "7", "7"), ("Planning", "4", "0", "4"))
    timeliness = texts(paper, "timeliness")
    on_time = "6 of 8 audits (75%) were submitted by the deadline of 30 November 2026; 1 after it; 1 is"
    assert on_time in timeliness
    actions = texts(paper, "actions")
    assert "3 actions for the children's cases: 2 still open, of which 1 past the due date." in actions
    recommendation = ("Review pathway plans within six months.", "31 March 2027", "Open")
    assert table(paper, "actions", 1).rows == (recommendation,)
    assert [r.description for r in recommendations_for(live.cycle)] == [recommendation[0]]
    caveats = texts(paper, "caveats")
    # Each caveat once: this cycle's small rows are its year's, named under the table by year only.
    assert "The table by year: Small samples" in caveats
    assert "The table of Autumn 2026: Small samples" not in caveats
    # The audit submitted after the deadline still counts in the table by year.
    year_total = next(r for r in table(paper, "tables").rows if r[:2] == ("2026", "All cohorts"))[2]
    cycle_total = next(r for r in table(paper, "tables", 1).rows if r[0] == "All cohorts")
    assert year_total == "6" and "6" in cycle_total


def test_no_child_id_or_name_in_any_format(personas):
    live = build_live_cycle(personas)
    paper = build_paper_context(live.cycle, today=TODAY)
    pdf = pdf_text(render_pdf(paper))
    word = docx.Document(io.BytesIO(render_docx(paper)))
    html = render_html(paper)
    outputs = {"pdf": pdf, "docx": docx_text(word), "html": html, "paper": " ".join(paper.texts())}
    assert "7 of 8 planned audits were completed" in pdf
    for name, text in outputs.items():
        for child_id in live.child_ids:
            assert child_id not in text, f"{child_id} in the {name}"
        for person in live.names:
            assert person not in text, f"{person} in the {name}"
    assert word.core_properties.author == "Director of Children's Services"  # a post, never a person
    assert word.core_properties.title == "Case file audit: Autumn 2026"


def test_the_word_document_has_real_tables_headings_and_the_chart(personas):
    live = build_live_cycle(personas)
    paper = build_paper_context(live.cycle, today=TODAY)
    word = docx.Document(io.BytesIO(render_docx(paper)))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    subheadings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert {"Who did the audits", "Financial", "Legal", "Equalities", "Safeguarding"} <= set(subheadings)
    assert headings[:5] == [
        "Report details",
        "Recommendation",
        "Summary",
        "Background and method",
        "Findings: audits by year and cohort",
    ]
    # A table of contents that Word fills in on opening, of the headings and subheadings.
    body = word.element.body.xml
    assert 'TOC \\o "1-2"' in body and word.settings.element.xpath("./w:updateFields")
    grades = next(t for t in word.tables if t.rows[0].cells[0].text == "Year")
    header = ["Year", "Cohort", "Audited", "Inadequate", "Requires improvement", "Good", "Outstanding"]
    assert [c.text for c in grades.rows[0].cells] == header
    assert [c.text for c in grades.rows[1].cells] == [
        "2026",
        "Care leaver",
        "4",
        "0",
        "1 (25%)",
        "3 (75%)",
        "0",
    ]
    assert grades.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on each page
    assert len(word.inline_shapes) == 1  # the chart
    assert "Caveats" in headings
    assert word.sections[0].page_width.cm == pytest.approx(21, abs=0.01)


def test_the_html_is_standalone_and_shows_the_chart_with_its_table(personas):
    live = build_live_cycle(personas)
    html = render_html(build_paper_context(live.cycle, today=TODAY))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<title>Case file audit: Autumn 2026</title>" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "The same figures are in the table of audits by year and cohort." in html
    assert '<th scope="col" class="govuk-table__header">Year</th>' in html
    assert "http://" not in html and "https://" not in html  # nothing fetched
    assert "2026 Care leaver 4 0 1 (25%) 3 (75%) 0" in html_text(html)


def test_a_cycle_with_no_graded_audit_still_has_a_paper(personas):
    from ..cycles.builders import make_cycle

    cycle = make_cycle([personas.own_case])
    paper = build_paper_context(cycle, today=TODAY)
    assert "0 of 1 planned audit were completed" in texts(paper, "summary")
    assert "No audit in this cycle has a moderated grade yet." in texts(paper, "summary")
    assert "No graded audits yet." in texts(paper, "tables")
    assert render_docx(paper)[:2] == b"PK"
