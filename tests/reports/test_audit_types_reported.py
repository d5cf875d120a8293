"""Reports read one kind of audit at a time (issue 15, section 3): the committee's table stays the case file
audit's unless another kind is chosen, and a thematic audit's paper reports its own audits and says what
kind of audit it was."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.reports.grades import grade_table
from caseaudit.reports.paper.context import build_paper_context
from tests.factories import make_case

from ..cycles.builders import make_cycle
from .grade_history import graded_audit
from .test_paper import table, texts

GRADES = reverse("reports:grades")


def _thematic(personas, grades):
    """A thematic audit of pathway plans across care leavers, moderated at `grades`."""
    cases = [make_case(f"T{n:06d}", "care-leaver") for n in range(len(grades))]
    cycle = make_cycle(cases, name="Pathway plans, spring 2026", season="spring", year=2026,
                       audit_type="thematic", theme="Pathway plans")  # fmt: skip
    for audit, grade in zip(cycle.audits.order_by("case__child_id"), grades, strict=True):
        audit.status, audit.completed_on = AuditStatus.MODERATED, date(2026, 4, 20)
        audit.auditor_grade = audit.moderated_grade = grade
        audit.save()
    return cycle


def test_the_committee_table_is_the_case_file_audits_unless_another_kind_is_chosen(personas):
    graded_audit(
        personas.own_case, completed_on=date(2026, 4, 7), auditor_grade="good", moderated_grade="good"
    )
    _thematic(personas, ["inadequate", "inadequate", "requires-improvement"])
    assert grade_table().total == 1
    thematic = grade_table(audit_type="thematic")
    assert thematic.total == 3
    assert [r.counts for r in thematic.rows if r.cohort == "care-leaver"] == [(2, 1, 0, 0)]
    assert grade_table(audit_type="practice-observation").total == 0


def test_the_reports_page_chooses_the_kind_and_says_which(client, personas):
    _thematic(personas, ["good", "good"])
    client.force_login(personas.qa_lead)
    case_file = client.get(GRADES).text
    assert "No graded audits match these filters" in case_file
    thematic = client.get(GRADES, {"audit_type": "thematic"})
    assert "Thematic or dip-sample audits only" in thematic.text
    assert "No graded audits match" not in thematic.text
    download = client.get(reverse("reports:grades-csv"), {"audit_type": "thematic"})
    assert download["Content-Disposition"].startswith('attachment; filename="thematic-grades-by-year')


def test_a_thematic_audits_paper_reports_its_own_audits_and_its_kind(personas):
    graded_audit(
        personas.own_case, completed_on=date(2026, 4, 7), auditor_grade="good", moderated_grade="good"
    )
    cycle = _thematic(personas, ["inadequate", "requires-improvement", "good"])
    paper = build_paper_context(cycle, today=date(2026, 6, 1))
    method = texts(paper, "method")
    assert "Kind of audit: Thematic or dip-sample audit: Pathway plans" in method
    assert "Sampling: Every open case in scope" not in method  # planned by the builder with a size
    assert paper.title == "Thematic or dip-sample audit: Pathway plans, spring 2026"
    # The case file audit of April is not in a thematic audit's table: three audits, not four.
    years = table(paper, "tables")
    assert [row[:2] for row in years.rows] == [("2026", "Care leaver")]
    assert years.rows[0][2:7] == ("3", "1 (33%)", "1 (33%)", "1 (33%)", "0")
    assert Audit.objects.filter(cycle__isnull=True).count() == 1
