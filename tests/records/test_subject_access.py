"""`caseaudit subject-access`: everything held about one child, or one member of staff, in a zip of files a
person can read, and nothing about anybody else."""

from __future__ import annotations

import stat
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.changes import record_change
from caseaudit.accounts.models import AccessLog, SecurityEvent
from caseaudit.accounts.security_log import record_security_event
from caseaudit.audits.models import (
    EvidenceUse,
    FeedbackResponse,
    Finding,
    ModerationEvent,
    SectionResponse,
    Theme,
)
from caseaudit.cycles.models import SampleSwap
from caseaudit.improvement.models import ActionNote, SafeguardingConcern
from caseaudit.notifications.models import Notification

from ..cycles.builders import allocate_to, make_cycle
from ..improvement.conftest import make_action


def _records_about(case, personas, theme):
    """A little of everything about one child, each piece naming the child's id so that a leak shows."""
    child = case.child_id
    tag = "own" if case == personas.own_case else "other"  # the access log never holds a child's id
    audit = case.audits.get()
    section = SectionResponse.objects.create(
        audit=audit,
        section="plan",
        grade="good",
        evidence=f"Evidence for {child}",
        analysis=f"Analysis {child}",
    )
    EvidenceUse.objects.create(audit=audit, source="record-review", used_on=timezone.localdate())
    Finding.objects.create(audit=audit, kind="strength", theme=theme, text=f"Finding for {child}")
    ModerationEvent.objects.create(
        audit=audit, kind="agreed", to_grade="good", comments=f"Moderated {child}", by=personas.moderator
    )
    FeedbackResponse.objects.create(
        audit=audit, respondent="young-person", answers={}, received_on=timezone.localdate()
    )
    owner = personas.worker if case == personas.own_case else personas.outsider
    action = make_action(case, owner, audit=audit, description=f"Action for {child}")
    ActionNote.objects.create(action=action, author=owner, text=f"Note for {child}")
    SafeguardingConcern.objects.create(
        audit=audit, case=case, description=f"Concern for {child}", raised_by=personas.auditor
    )
    record_access(personas.qa_lead, "view", "case", case.pk, detail=f"qa-lead read {tag}")
    record_access(personas.auditor, "view", "audit", audit.pk, detail=f"auditor read {tag}")
    record_change(personas.auditor, "section.saved", section, new={"grade": "good"})
    Notification.objects.create(
        recipient=personas.auditor, kind="allocated", text=f"The audit of {child} is allocated to you."
    )


@pytest.fixture
def held(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    theme = Theme.objects.create(slug="test-theme", label="Test theme")
    for case in (personas.own_case, personas.other_case):
        _records_about(case, personas, theme)
    # The planner swapped the other child out of a sample and this child in.
    SampleSwap.objects.create(
        cycle=cycle, removed=personas.other_case, added=personas.own_case, reason="Swapped in by the planner"
    )
    return personas


def export(tmp_path: Path, *args: str) -> dict[str, str]:
    target = tmp_path / "export.zip"
    call_command("subject-access".replace("-", "_"), *args, "--output", str(target), stdout=StringIO())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_a_childs_export_holds_everything_about_them_and_nothing_about_another_child(held, tmp_path):
    files = export(tmp_path, "N000001")
    audit = held.own_case.audits.get()
    page = files[f"audit-{audit.pk}.html"]
    for text in (
        "Evidence for N000001",
        "Analysis N000001",
        "Finding for N000001",
        "Moderated N000001",
        "Review of the case record",
        "Test theme",
        "Grade agreed",
        "From the child or young person",
    ):
        assert text in page
    assert "N000001" in files["case.csv"] and "care-leaver" in files["case.csv"]
    assert "Action for N000001" in files["actions.csv"]
    assert "Note for N000001" in files["action-notes.csv"]
    assert "Concern for N000001" in files["safeguarding-concerns.csv"]
    assert "Child or young person" in files["feedback.csv"]
    assert "qa-lead read own" in files["access-log.csv"]
    assert "auditor read own" in files["access-log.csv"]
    assert "section.saved" in files["change-history.csv"]
    assert "put into the sample" in files["sample-changes.csv"]
    for name in files:
        if name != "README.txt":
            assert name in files["README.txt"]

    for name, content in files.items():
        assert "S000001" not in content and "read other" not in content, f"another child appears in {name}"
    other_audit = held.other_case.audits.get()
    assert f"audit-{other_audit.pk}.html" not in files


def test_a_staff_export_holds_what_they_did_and_read_and_nothing_about_others(held, tmp_path):
    record_security_event(SecurityEvent.Event.SIGN_IN_FAILED, username="Auditor", detail="wrong password")
    record_security_event(SecurityEvent.Event.ROLE_CHANGED, user=held.qa_lead, detail="by administrator")
    files = export(tmp_path, "--staff", "auditor")
    assert "auditor" in files["account.csv"] and "Auditor" in files["account.csv"]
    assert "pbkdf2" not in files["account.csv"] and held.auditor.password not in files["account.csv"]
    assert files["change-history.csv"].count("section.saved") == 2
    assert files["access-log.csv"].count("auditor read") == 2
    assert "qa-lead read" not in files["access-log.csv"]
    assert "Sign-in failed,wrong password" in files["security-log.csv"]
    assert "Role changed" not in files["security-log.csv"]  # the QA lead's, not theirs
    assert len(files["audits.csv"].splitlines()) == 3  # the header and both audits allocated to them
    assert files["notifications.csv"].count("allocated") == 2
    for name, content in files.items():
        # The children are other people: a member of staff's export names no child.
        assert "N000001" not in content and "S000001" not in content, name

    worker = export(tmp_path, "--staff", "worker")
    assert "Action for N000001" in worker["actions.csv"]
    assert "Action for S000001" not in worker["actions.csv"]  # the outsider's
    assert (
        "auditor read" not in worker["access-log.csv"] and "section.saved" not in worker["change-history.csv"]
    )


def test_the_export_is_recorded_in_the_access_log(held, tmp_path):
    export(tmp_path, "N000001", "--as", "qa-lead")
    export(tmp_path, "--staff", "worker")
    case_export = AccessLog.objects.get(action="export", object_type="case")
    assert case_export.user == held.qa_lead and case_export.object_id == str(held.own_case.pk)
    staff_export = AccessLog.objects.get(action="export", object_type="user")
    assert staff_export.user is None and staff_export.object_id == str(held.worker.pk)


def test_only_the_qa_lead_or_the_command_line_may_export(held, tmp_path):
    with pytest.raises(CommandError, match="Only the QA lead may export everything held about a person"):
        export(tmp_path, "N000001", "--as", "moderator")
    assert not (tmp_path / "export.zip").exists()
    assert not AccessLog.objects.filter(action="export").exists()


def test_an_unknown_person_or_a_muddled_request_is_refused(held, tmp_path):
    with pytest.raises(CommandError, match="No case in the register has that Child Unique ID"):
        export(tmp_path, "X999999")
    with pytest.raises(CommandError, match="No account has the username"):
        export(tmp_path, "--staff", "nobody")
    with pytest.raises(CommandError, match="but not both"):
        export(tmp_path, "N000001", "--staff", "auditor")
    assert not (tmp_path / "export.zip").exists()
