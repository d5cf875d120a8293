"""The grade table's counts are kept between requests, and counted again as soon as a completed audit
changes: a moderator's new grade shows on the next page, while the drafts being typed (saved with every
pause) leave the kept counts alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseaudit.audits.actions.moderation import change_grade
from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.kept import forget_held
from caseaudit.locking import claim_version
from caseaudit.reports.grades import grade_table
from tests.factories import make_case

from .grade_history import load_three_years

pytestmark = pytest.mark.django_db


def _grouped_queries(read) -> int:
    """How many grouped reads of the audits `read()` made."""
    forget_held()  # as a request in another process would: only the shared cache
    with CaptureQueriesContext(connection) as queries:
        read()
    return sum(1 for query in queries if "GROUP BY" in query["sql"] and "audits_audit" in query["sql"])


def _care_leavers_2019(table):
    (row,) = [r for r in table.rows if (r.period, r.cohort) == ("2019", "care-leaver")]
    return row.counts


def test_a_new_moderated_grade_shows_at_once(tmp_path, personas):
    load_three_years(tmp_path)
    assert _care_leavers_2019(grade_table()) == (0, 2, 5, 6)
    assert _grouped_queries(grade_table) == 0  # kept

    audit = Audit.objects.filter(
        completed_on__year=2019, cohort="care-leaver", moderated_grade="outstanding"
    ).first()
    change_grade(
        audit,
        grade="inadequate",
        reason="The plan was not followed.",
        expected_version=audit.version,
        acting_user=personas.qa_lead,
    )

    assert _grouped_queries(grade_table) == 1  # counted again
    assert _care_leavers_2019(grade_table()) == (1, 2, 5, 5)


def test_drafts_being_written_do_not_count_the_table_again(tmp_path):
    load_three_years(tmp_path)
    draft = Audit.objects.create(
        case=make_case(child_id="DRAFT1"), cohort="looked-after", status=AuditStatus.IN_PROGRESS
    )
    grade_table()
    claim_version(draft)  # an autosave
    draft.draft_grade = "good"
    draft.save()
    assert _grouped_queries(grade_table) == 0


def test_an_audit_submitted_counts_the_table_again(tmp_path):
    load_three_years(tmp_path)
    before = grade_table().total
    Audit.objects.create(
        case=make_case(child_id="NEW1"),
        cohort="looked-after",
        status=AuditStatus.MODERATED,
        completed_on=date(2021, 6, 1),
        auditor_grade="good",
        moderated_grade="good",
    )
    assert grade_table().total == before + 1
