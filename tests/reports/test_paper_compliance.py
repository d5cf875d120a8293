"""The paper's section on compliance with timescales, from the compliance app: a short table with statutory
and local checks labelled, a sentence for each thing worth saying, and the day it was checked as at (the
cycle's last day, or the QA lead's), never the day the paper is printed."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from caseaudit.compliance.queries import case_timescales
from caseaudit.reports.models import PaperStory
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Bullets, Paragraphs, Table

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
    texts = next(b for b in section.blocks if isinstance(b, Paragraphs)).texts
    assert texts[0].startswith(
        "The open cases in this cycle's sample, checked against the timescales as at 30 November 2026, "
        "the cycle's last day"
    )
    assert "Most often out of timescale: pathway plan review for care leaver cases, 1 of 2." in texts
    table = next(b for b in section.blocks if isinstance(b, Table))
    header = (
        "Check",
        "Timescale",
        "Cohort",
        "Cases",
        "Within timescale",
        "Overdue",
        "Done late",
        "Date missing",
    )
    assert table.header[:8] == header
    assert (
        "Pathway plan review",
        "Statutory",
        "Care leaver",
        "2",
        "1",
        "1",
        "0",
        "0",
        "2 of 4 (50%)",
    ) in table.rows
    assert (
        "Personal adviser contact",
        "Statutory",
        "Care leaver",
        "2",
        "2",
        "0",
        "0",
        "0",
        "0 of 4 (0%)",
    ) in (table.rows)
    assert "T000001" not in " ".join(paper.texts())
    # Each check in the table says where it comes from, once.
    sources = next(b for b in section.blocks if isinstance(b, Bullets)).items
    assert sources[0] == (
        "Pathway plan review (statutory): Care Planning, Placement and Case Review (England) Regulations "
        "2010, reg 43; Care Leavers (England) Regulations 2010, reg 7"
    )
    assert sum(item.startswith("Supervision (local): Local practice standard") for item in sources) == 1


def test_the_qa_lead_chooses_the_day_compliance_is_checked_as_at():
    # Due a review by 5 July 2026: within timescale on 1 June, overdue by the cycle's end.
    plan = make_case("T000008", "care-leaver", latest_pathway_plan=date(2026, 1, 5))
    cycle = make_cycle([plan])
    at_the_end = build_paper_context(cycle, today=TODAY).section("compliance")
    assert next(b for b in at_the_end.blocks if isinstance(b, Table)).rows[0][5] == "1"
    PaperStory.objects.create(cycle=cycle, compliance_on=date(2026, 6, 1))
    chosen = build_paper_context(cycle, today=TODAY).section("compliance")
    assert "as at 1 June 2026," in chosen.blocks[0].texts[0]  # type: ignore[union-attr]
    assert next(b for b in chosen.blocks if isinstance(b, Table)).rows[0][5] == "0"


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
        "2026-11-30",  # the cycle's last day, which the paper checks as at
        "--check",
        "pathway-plan-review",
        "--format",
        "csv",
        stdout=out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    overdue = [r["child_id"] for r in rows if r["status"] == "overdue"]
    assert pathway[-1] == f"{len(overdue)} of {len(rows)} ({round(100 * len(overdue) / len(rows))}%)"
    assert "T000006" in overdue and pathway[5] == "1"
    on_case_page = next(
        r for r in case_timescales(late, date(2026, 11, 30)) if r.check == "pathway-plan-review"
    )
    assert on_case_page.status.value == "overdue"


def test_the_method_counts_the_registers_implausible_dates():
    sampled = make_case("T000006", "care-leaver", latest_pathway_plan=date(2026, 9, 1))
    make_case("T000007", "child-in-need", opened_on=date(2025, 5, 2), closed_on=date(2025, 5, 1))
    method = build_paper_context(make_cycle([sampled]), today=TODAY).section("method")
    texts = " ".join(t for b in method.blocks if isinstance(b, Paragraphs) for t in b.texts)
    assert "not all plausible: 1 case has implausible data: 1 closed before opening." in texts
    assert "T000007" not in texts


def test_a_register_without_implausible_dates_says_nothing_of_them():
    sampled = make_case("T000008", "care-leaver", latest_pathway_plan=date(2026, 9, 1))
    method = build_paper_context(make_cycle([sampled]), today=TODAY).section("method")
    texts = " ".join(t for b in method.blocks if isinstance(b, Paragraphs) for t in b.texts)
    assert "plausible" not in texts


def test_an_event_done_late_is_within_timescale_now_and_still_counted_as_a_breach():
    # A strategy discussion on 2 November 2026: 15 working days is 23 November; held on the 25th.
    late = make_case(
        "T000009",
        "child-protection",
        strategy_discussion=date(2026, 11, 2),
        initial_conference=date(2026, 11, 25),
        cp_plan_start=date(2026, 11, 25),
        last_statutory_visit=date(2026, 11, 27),
    )
    section = build_paper_context(make_cycle([late]), today=TODAY).section("compliance")
    table = next(b for b in section.blocks if isinstance(b, Table))
    conference = next(row for row in table.rows if row[0] == "Initial child protection conference")
    assert conference[4:7] == ("1", "0", "1")  # within timescale, not overdue, done late
    texts = next(b for b in section.blocks if isinstance(b, Paragraphs)).texts
    assert any("initial child protection conference (child protection) 1" in text for text in texts)
