"""`caseaudit draft`: the auditor's draft from the command line, with the audit form's rules, each change on
the version just read."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from caseaudit.audits import completion
from caseaudit.audits.actions.completion import save_overall
from caseaudit.audits.models import AuditStatus, Theme

from .completion_helpers import allocated_audit, ready_to_submit, yesterday

pytestmark = pytest.mark.django_db


def draft(*args: str) -> str:
    out = io.StringIO()
    call_command("draft", *args, stdout=out)
    return out.getvalue()


def test_the_auditor_starts_writes_and_submits_from_the_command_line(personas):
    audit = allocated_audit(personas)
    number = str(audit.pk)
    assert "Start the audit first" in draft("show", number, "--as", "auditor")
    assert draft("start", number, "--as", "auditor").startswith(f"Audit {audit.pk}: started (in progress;")
    audit.refresh_from_db()
    first = completion.sections_of(audit)[0]
    question = first.questions[0].slug
    draft("section", number, first.slug, "--grade", "good", "--evidence", "Seen monthly",
          "--answer", f"{question}=Seen on 3 November", "--as", "auditor")  # fmt: skip
    # What is not given stays as written.
    draft("section", number, first.slug, "--analysis", "Her voice is heard", "--as", "auditor")
    written = json.loads(draft("show", number, "--format", "json", "--as", "auditor"))["sections"][0]
    assert (written["grade"], written["evidence"], written["analysis"]) == (
        "good", "Seen monthly", "Her voice is heard"
    )  # fmt: skip
    assert written["answers"][question] == "Seen on 3 November"
    with pytest.raises(CommandError, match="not in the section: nosuch"):
        draft("section", number, first.slug, "--answer", "nosuch=x", "--as", "auditor")
    said = draft("evidence", number, "record-review", "--used-on", yesterday().isoformat(), "--as", "auditor")
    assert "record-review used on" in said


def test_findings_and_actions_are_added_and_taken_off(personas):
    Theme.objects.get_or_create(slug="voice-of-the-child", defaults={"label": "Voice of the child"})
    audit = allocated_audit(personas)
    number = str(audit.pk)
    draft("start", number, "--as", "auditor")
    draft("finding", number, "--kind", "issue", "--theme", "voice-of-the-child", "--text", "Not recorded",
          "--as", "auditor")  # fmt: skip
    draft("action", number, "--description", "Update the plan", "--owner", "worker", "--due", "2031-01-15",
          "--as", "auditor")  # fmt: skip
    with pytest.raises(CommandError, match="Select an owner"):
        draft("action", number, "--description", "x", "--owner", "outsider", "--due", "2031-01-15",
              "--as", "auditor")  # fmt: skip
    written = json.loads(draft("show", number, "--format", "json", "--as", "auditor"))
    finding, action = written["findings"][0]["id"], written["actions"][0]["id"]
    assert "finding" in draft("remove", number, "finding", str(finding), "--as", "auditor")
    assert "action" in draft("remove", number, "action", str(action), "--as", "auditor")
    after = json.loads(draft("show", number, "--format", "json", "--as", "qa-lead"))
    assert (after["findings"], after["actions"]) == ([], [])


def test_submitted_once_it_lacks_nothing_and_only_by_its_auditor(personas):
    audit = ready_to_submit(personas)
    number = str(audit.pk)
    with pytest.raises(CommandError, match="There is no audit"):
        draft("show", number, "--as", "team-manager")  # the audited team reads it once submitted
    with pytest.raises(CommandError):
        draft("submit", number, "--as", "qa-lead")
    said = draft("submit", number, "--as", "auditor")
    assert (
        said == f"Audit {audit.pk}: submitted for moderation (submitted; it lacks nothing for submission).\n"
    )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED


def test_a_change_made_meanwhile_is_never_overwritten(personas, monkeypatch):
    """The command changes the version it read; a change in the browser in between refuses it."""
    from caseaudit.audits.management.commands import draft as command

    audit = ready_to_submit(personas)
    real = command.completing.save_overall

    def meanwhile(audit, **kwargs):
        save_overall(audit, grade="inadequate", rationale="Changed in the browser",
                     expected_version=audit.version, acting_user=personas.auditor)  # fmt: skip
        return real(audit, **kwargs)

    monkeypatch.setattr(command.completing, "save_overall", meanwhile)
    with pytest.raises(CommandError, match="changed"):
        draft("overall", str(audit.pk), "--grade", "good", "--rationale", "Mine", "--as", "auditor")
    audit.refresh_from_db()
    assert (audit.draft_grade, audit.overall_rationale) == ("inadequate", "Changed in the browser")
