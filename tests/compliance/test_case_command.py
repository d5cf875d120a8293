"""`caseaudit case CHILD_ID`: one case as its page shows it, for the person named, within their scope; the
API's case detail is the same summary."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog
from caseaudit.cases.models import Case

pytestmark = pytest.mark.django_db


def case(*args: str) -> str:
    out = io.StringIO()
    call_command("case", *args, stdout=out)
    return out.getvalue()


def test_the_case_s_dates_and_checks_as_its_page_shows_them(personas):
    Case.objects.filter(pk=personas.own_case.pk).update(
        cohort="looked-after", looked_after_since=date(2025, 1, 6), latest_statutory_review=date(2026, 3, 2)
    )
    child = personas.own_case.child_id
    text = case(child, "--as-of", "2026-11-30", "--as", "team-manager")
    assert text.startswith(f"{child} (looked-after), North Children and Families, worker ")
    assert "  looked after since                     2025-01-06" in text
    review = next(line for line in text.splitlines() if line.strip().startswith("Looked after review"))
    assert "overdue" in review and "due 2026-09-02" in review
    summary = json.loads(case(child, "--as-of", "2026-11-30", "--format", "json", "--as", "qa-lead"))
    checks = {check["check"]: check["status"] for check in summary["timescales"]}
    assert summary["key_dates"]["latest_statutory_review"] == "2026-03-02"
    assert checks["looked-after-review"] == "overdue"
    assert AccessLog.objects.filter(object_type="case", object_id=str(personas.own_case.pk)).count() == 2


def test_a_case_outside_the_person_s_scope_is_not_there_for_them(personas):
    with pytest.raises(CommandError, match="that worker may see"):
        case(personas.other_case.child_id, "--as", "worker")
    with pytest.raises(CommandError, match="--as USERNAME"):
        case(personas.own_case.child_id)
    with pytest.raises(CommandError, match="not a date"):
        case(personas.own_case.child_id, "--as-of", "soon", "--as", "qa-lead")
