"""Synthetic returns written from the demo's register read back into the same cases (issue 16's round
trip): a looked after child's period of care, placement, legal status and latest review; a child on a plan
or in need, their dates. The returns add history; they change none of what the register held."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from caseaudit.cases.actions import import_return
from caseaudit.cases.importing.cin_census import read_cin_census
from caseaudit.cases.importing.ssda903 import read_ssda903
from caseaudit.cases.models import Case
from caseaudit.demo.authority import build_demo_authority
from caseaudit.demo.returns import write_demo_returns
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
FIELDS = (
    "cohort",
    "closed_on",
    "looked_after_since",
    "placement_start",
    "legal_status",
    "placement_type",
    "latest_statutory_review",
    "cp_plan_start",
    "strategy_discussion",
    "initial_conference",
    "latest_review_conference",
    "assessment_start",
    "assessment_completed",
    "sex",
    "ethnicity",
)


def test_the_demos_returns_read_back_into_the_same_cases(tmp_path):
    build_demo_authority(cases=300, seed=5, today=date(2026, 11, 1))
    before = {c["child_id"]: c for c in Case.objects.values("child_id", *FIELDS)}
    ssda903, census = write_demo_returns(tmp_path)
    import_return(read_ssda903([ssda903]), file_name="SSDA903", acting_user=SYSTEM)
    import_return(read_cin_census(census), file_name="CIN", acting_user=SYSTEM)
    after = {c["child_id"]: c for c in Case.objects.values("child_id", *FIELDS)}
    changed = {
        (child_id, field, before[child_id][field], after[child_id][field])
        for child_id in before
        for field in FIELDS
        if before[child_id][field] != after[child_id][field]
    }
    # A return always says: a sex or ethnicity the register did not record comes back as not known.
    assert {(field, was, now) for _, field, was, now in changed} <= {
        ("sex", None, "U"),
        ("ethnicity", None, "NOBT"),
    }
    looked_after = Case.objects.filter(cohort="looked-after", closed_on__isnull=True).exclude(
        latest_statutory_review=None
    )
    some = looked_after.first()
    assert some is not None and some.statutory_reviews.exists() and some.care_episodes.exists()
    assert max(r.held_on for r in some.statutory_reviews.all()) == some.latest_statutory_review


def test_the_command_writes_them(tmp_path):
    build_demo_authority(cases=60, seed=5, today=date(2026, 11, 1))
    out = io.StringIO()
    call_command("demo_returns", str(tmp_path / "returns"), stdout=out)
    assert (tmp_path / "returns" / "ssda903" / "Episodes.csv").exists()
    assert (tmp_path / "returns" / "cin.xml").read_text().startswith("<?xml")
    assert "caseaudit import-returns --ssda903" in out.getvalue()


def test_real_childrens_records_are_never_written_out(tmp_path):
    build_demo_authority(cases=30, seed=5, today=date(2026, 11, 1))
    Case.objects.create(
        child_id="REAL001", cohort="looked-after", looked_after_since=date(2025, 1, 1), sex="F"
    )
    with pytest.raises(CommandError, match="not the demo's"):
        call_command("demo_returns", str(tmp_path / "returns"), stdout=io.StringIO())
    assert not (tmp_path / "returns").exists()
