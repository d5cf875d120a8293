"""The paper's section on compliance with timescales, from the compliance app: in sentences a committee
reads ("Pathway plan review: 1 of 2 care leaver cases out of timescale")."""

from __future__ import annotations

from datetime import date

import pytest

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
