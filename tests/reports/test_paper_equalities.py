"""The paper's equalities appendix: grades and timescales by sex, ethnic group, disability and age band,
from the register's codes, small groups kept from view, in every format."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from caseaudit.cases.models import Case
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.docx import render_docx
from caseaudit.reports.paper.html import render_html
from caseaudit.reports.paper.model import Paragraphs, Table

from .paper_builders import TODAY

pytestmark = pytest.mark.django_db


def equalities(live):
    section = build_paper_context(live.cycle, today=TODAY).section("equalities")
    tables = {b.caption.split(":")[0]: b for b in section.blocks if isinstance(b, Table)}
    words = " ".join(t for b in section.blocks if isinstance(b, Paragraphs) for t in b.texts)
    return section, tables, words


def test_without_the_childrens_characteristics_the_appendix_says_where_they_come_from(live):
    Case.objects.update(sex=None, ethnicity=None, disability=None, birth_month=None)
    section, tables, words = equalities(live)
    assert section.heading == "Appendix: equalities"
    assert not tables
    assert "records none of the audited children's sex, ethnicity or disability" in words


def test_grades_and_timescales_by_group_with_small_groups_hidden(live):
    Case.objects.update(sex="F", ethnicity="WBRI", disability="N", birth_month=date(2011, 5, 1))
    Case.objects.filter(child_id=live.child_ids[0]).update(sex="M", ethnicity="BCRB", disability="Y")
    _, tables, words = equalities(live)
    assert "fewer than 5 children is not shown" in words
    sex = {row[0]: row[1:] for row in tables["Sex"].rows}
    # Six graded audits (moderated grades): one boy, five girls. The boy's row would name him; the girls'
    # row beside the total would give him away too.
    assert sex["Male"][:2] == ("fewer than 5", "not shown")
    assert sex["Female"][:2] == ("not shown", "not shown")
    ages = {row[0]: row[1:] for row in tables["Age band"].rows}
    assert ages["10 to 15"][:2] == ("6", "5 (83%)")  # everyone is 15: shown, 5 of 6 good or better
    assert tables["Age band"].header == (
        "Age band",
        "Audits",
        "Good or outstanding",
        "Open cases",
        "With a timescale overdue",
    )
    text = " ".join(build_paper_context(live.cycle, today=TODAY).texts())
    for name in [*live.child_ids, *live.names]:
        assert name not in text


def test_the_appendix_is_in_the_word_and_html_versions(live):
    Case.objects.update(sex="F", ethnicity="WBRI", disability="N")
    paper = build_paper_context(live.cycle, today=TODAY)
    headings = [p.text for p in docx.Document(io.BytesIO(render_docx(paper))).paragraphs]
    assert "Appendix: equalities" in headings and "Ethnic group" in headings
    html = render_html(paper)
    assert "Appendix: equalities" in html and "Good or outstanding" in html
