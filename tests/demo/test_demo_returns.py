"""Synthetic returns written from the demo's register read back into the same cases (issue 16's round
trip): a looked after child's period of care, placement, legal status and latest review; a child on a plan
or in need, their dates. The returns add history; they change none of what the register held."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.cases.actions import import_return
from caseaudit.cases.importing.cin_census import read_cin_census
from caseaudit.cases.importing.ssda903 import read_ssda903
from caseaudit.cases.models import Case, Staff, Team
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


def test_the_demo_is_rebuilt_from_the_returns_alone(tmp_path):
    build_demo_authority(cases=300, seed=5, today=date(2026, 11, 1))
    call_command("demo_returns", str(tmp_path / "returns"), stdout=io.StringIO())
    before = {c["child_id"]: c for c in Case.objects.filter(closed_on=None).values("child_id", *FIELDS)}
    # An empty database: no case, no team, no account.
    Case.objects.all().delete()
    Staff.objects.all().delete()
    Team.objects.all().delete()
    User.objects.all().delete()
    out = io.StringIO()
    call_command(
        "demo_data", "--from-returns", str(tmp_path / "returns"), "--seed", "5", "--today", "2026-11-01",
        stdout=out,
    )  # fmt: skip
    said = out.getvalue()
    assert "Demo authority from the returns in" in said and "as the returns name no worker" in said
    after = {c["child_id"]: c for c in Case.objects.values("child_id", *FIELDS)}
    # Every open child of the returns' cohorts is back, with the dates the returns carry.
    from_returns = {
        k: v for k, v in before.items() if v["cohort"] != "early-help" and v["sex"] not in (None, "U")
    }
    assert set(from_returns) <= set(after)
    some = next(k for k, v in from_returns.items() if v["cohort"] == "looked-after")
    assert after[some]["looked_after_since"] == before[some]["looked_after_since"]
    assert after[some]["latest_statutory_review"] == before[some]["latest_statutory_review"]
    assert {v["cohort"] for v in after.values()} == {
        "care-leaver",
        "looked-after",
        "child-protection",
        "child-in-need",
    }
    # Allocated to the demo's teams, so that a team manager and a worker see their caseloads.
    assert not Case.objects.filter(closed_on=None, team=None).exists()
    worker = User.objects.get(username="social-worker")
    assert Case.objects.filter(worker=worker.staff).exists()
    # The season's cycle is planned on them, and its audits started.
    assert "Audit cycle" in said and Audit.objects.exists()


def test_a_folder_without_returns_is_refused_and_nothing_is_built(tmp_path):
    with pytest.raises(CommandError, match="holds neither an SSDA903 return"):
        call_command("demo_data", "--from-returns", str(tmp_path), stdout=io.StringIO())
    (tmp_path / "ssda903").mkdir()
    (tmp_path / "ssda903" / "Episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC\nDEMO1,01/01/2026,Q,C2,U4,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="RNE 'Q': not a reason for a new episode"):
        call_command("demo_data", "--from-returns", str(tmp_path), stdout=io.StringIO())
    assert not Case.objects.exists() and not Team.objects.exists()
