"""`caseaudit moderate` and `caseaudit audits`: the moderation queue, a moderator's decisions, and the audits
a person may read, from the command line as the person named with --as, with the pages' rules."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog
from caseaudit.audits.models import AuditStatus, ModerationEvent

from .test_moderation import submitted_audit

pytestmark = pytest.mark.django_db


def moderate(*args: str) -> str:
    out = io.StringIO()
    call_command("moderate", *args, stdout=out)
    return out.getvalue()


def test_the_queue_holds_the_submitted_audits_longest_waiting_first(personas):
    newer = submitted_audit(personas.own_case, personas.auditor, days_ago=1)
    older = submitted_audit(personas.other_case, personas.auditor, "inadequate", days_ago=6)
    submitted_audit(personas.own_case, personas.auditor, status=AuditStatus.MODERATED, days_ago=9)
    text = moderate("queue", "--as", "moderator").splitlines()
    assert text[0].startswith(f"{older.pk}\t{personas.other_case.child_id}\t") and "6 days waiting" in text[0]
    assert text[1].startswith(f"{newer.pk}\t") and text[-1] == "2 audits waiting for moderation."
    rows = json.loads(moderate("queue", "--format", "json", "--as", "moderator"))
    assert [(row["id"], row["auditor_grade"]) for row in rows] == [
        (older.pk, "inadequate"),
        (newer.pk, "good"),
    ]
    assert AccessLog.objects.filter(object_type="moderation-queue").count() == 2


def test_a_moderator_agrees_changes_with_a_reason_and_returns_with_comments(personas):
    agreed, changed, returned = (submitted_audit(personas.own_case, personas.auditor) for _ in range(3))
    assert "is moderated: Good" in moderate("agree", str(agreed.pk), "--as", "moderator")
    with pytest.raises(CommandError, match="Select a grade"):
        moderate("change", str(changed.pk), "--grade", "brilliant", "--reason", "x", "--as", "moderator")
    said = moderate("change", str(changed.pk), "--grade", "requires-improvement", "--reason", "Drift",
                    "--as", "moderator")  # fmt: skip
    assert "is moderated: Requires improvement to be good" in said
    said = moderate("return", str(returned.pk), "--comments", "Speak to the worker", "--as", "moderator")
    assert "returned to its auditor" in said
    for audit in (agreed, changed, returned):
        audit.refresh_from_db()
    assert (agreed.moderated_grade, changed.moderated_grade) == ("good", "requires-improvement")
    assert returned.status == AuditStatus.RETURNED
    with pytest.raises(CommandError, match="only a submitted audit can be moderated"):
        moderate("agree", str(returned.pk), "--as", "moderator")
    kinds = ModerationEvent.objects.filter(audit=changed).values_list("kind", flat=True)
    assert ModerationEvent.Kind.CHANGED in kinds


def test_only_a_moderator_decides_and_never_without_saying_who(personas):
    audit = submitted_audit(personas.own_case, personas.auditor)
    with pytest.raises(CommandError, match="Only the QA lead or a moderator"):
        moderate("agree", str(audit.pk), "--as", "auditor")
    with pytest.raises(CommandError, match="--as USERNAME"):
        moderate("agree", str(audit.pk))
    with pytest.raises(CommandError, match="no audit 999999"):
        moderate("agree", "999999", "--as", "moderator")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED


def test_the_audits_a_person_may_read_as_the_api_lists_them(personas):
    from ..cycles.builders import allocate_to, make_cycle

    cycle = make_cycle([personas.other_case])
    allocate_to(cycle, personas.auditor)
    done = submitted_audit(personas.own_case, personas.moderator, cycle=cycle)

    def listed(*args: str) -> list[dict]:
        out = io.StringIO()
        call_command("audits", "--format", "json", *args, stdout=out)
        return json.loads(out.getvalue())

    mine = listed("--as", "auditor")
    assert [row["child_id"] for row in mine] == [personas.other_case.child_id]
    assert done.pk not in {row["id"] for row in mine}  # someone else's audit
    assert [row["id"] for row in listed("--status", "submitted", "--as", "qa-lead")] == [done.pk]
    # The audited team reads its own case's audit once submitted, and nothing of another team.
    assert [row["id"] for row in listed("--as", "team-manager")] == [done.pk]
    with pytest.raises(CommandError, match="No cycle called"):
        listed("--cycle", "Winter 1999", "--as", "qa-lead")
