"""The paper's section on compliance with timescales, from the compliance app: in sentences a committee
reads ("Pathway plan review: 1 of 2 care leaver cases out of timescale")."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from caseaudit.compliance.queries import case_timescales
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Bullets, Table

from ..cycles.builders import make_cycle
from ..factories import make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 10)


def test_overdue_checks_are_counted_in_words_and_in_a_table():
    late = make_case(
        "T000001", "care-leaver", latest_pathway_plan=date(2026, 1, 5), latest_contact=date(2026, 12, 1)
    )
    on_time = make_case(
        "T000002", "care-leaver", latest_pathway_plan=date(2026, 9, 1), latest_contact=date(2026, 12, 1)
    )
    # Two more care leavers outside the sample, one of them late too: the register's share sits beside.
    make_case(
        "T000004", "care-leaver", latest_pathway_plan=date(2025, 12, 1), latest_contact=date(2026, 12, 1)
    )
    make_case(
        "T000005", "care-leaver", latest_pathway_plan=date(2026, 10, 1), latest_contact=date(2026, 12, 1)
    )
    cycle = make_cycle([late, on_time])
    paper = build_paper_context(cycle, today=TODAY)
    section = paper.section("compliance")
    bullets = next(b for b in section.blocks if isinstance(b, Bullets)).items
    sentence = (
        "Pathway plan review: 1 of 2 care leaver cases out of timescale; across the register, 2 of 4 (50%)."
    )
    assert sentence in bullets
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert ("Pathway plan review", "Care leaver", "2", "1", "1", "0", "0", "2 of 4 (50%)") in table.rows
    assert ("Personal adviser contact", "Care leaver", "2", "2", "0", "0", "0", "0 of 4 (0%)") in table.rows
    assert "T000001" not in " ".join(paper.texts())


def test_a_sample_without_open_cases_says_there_is_nothing_to_check():
    closed = make_case("T000003", "care-leaver", closed_on=date(2026, 9, 30))
    paper = build_paper_context(make_cycle([closed]), today=TODAY)
    assert paper.section("compliance").blocks[0].texts == (  # type: ignore[union-attr]
        "None of the open cases in this cycle's sample has a timescale to check.",
    )


def test_the_paper_counts_what_the_compliance_command_and_the_case_page_count(personas):
    # The "done when": the compliance page, the case page, the audit form and the paper agree.
    late = make_case("T000006", "care-leaver", latest_pathway_plan=date(2026, 2, 1))
    make_case("T000007", "care-leaver", latest_pathway_plan=date(2026, 11, 1))
    paper = build_paper_context(make_cycle([late]), today=TODAY)
    table = next(b for b in paper.section("compliance").blocks if isinstance(b, Table))
    pathway = next(row for row in table.rows if row[0] == "Pathway plan review")

    out = io.StringIO()
    call_command(
        "compliance",
        "--as-of",
        TODAY.isoformat(),
        "--check",
        "pathway-plan-review",
        "--format",
        "csv",
        stdout=out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    overdue = [r["child_id"] for r in rows if r["status"] == "overdue"]
    assert pathway[-1] == f"{len(overdue)} of {len(rows)} ({round(100 * len(overdue) / len(rows))}%)"
    assert "T000006" in overdue and pathway[4] == "1"
    (on_case_page,) = [r for r in case_timescales(late, TODAY) if r.check == "pathway-plan-review"]
    assert on_case_page.status.value == "overdue"
