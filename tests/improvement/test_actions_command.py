"""`caseaudit actions`: the tracker from the command line, as a person, with the pages' rules and scope."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.improvement.models import Action

from .conftest import make_action

pytestmark = pytest.mark.django_db


def actions(*args: str) -> str:
    out = io.StringIO()
    call_command("actions", *args, stdout=out)
    return out.getvalue()


def test_the_list_is_the_person_s_tracker_overdue_first_in_each_format(personas):
    late = make_action(personas.own_case, personas.worker, due_in=-5, description="Visit her\nand record it")
    soon = make_action(personas.own_case, personas.worker, due_in=10)
    elsewhere = make_action(personas.other_case, personas.outsider)

    text = actions("list", "--as", "qa-lead").splitlines()
    assert text[0] == "3 open, 0 in progress, 0 done, 0 verified, 0 cancelled; 1 overdue."
    assert text[1].startswith(f"{late.pk}\topen\t") and "(5 days overdue)" in text[1]
    assert text[1].endswith("\tVisit her")
    # The worker sees what they own, as on the tracker's page.
    mine = json.loads(actions("list", "--format", "json", "--as", "worker"))
    assert [row["id"] for row in mine] == [late.pk, soon.pk]
    assert elsewhere.pk not in {row["id"] for row in mine}
    rows = list(csv.DictReader(io.StringIO(actions("list", "--format", "csv", "--as", "qa-lead",
                                                   "--team", personas.other_case.team.name))))  # fmt: skip
    assert [int(row["id"]) for row in rows] == [elsewhere.pk]
    assert AccessLog.objects.filter(object_type="action-list").count() == 3


def test_the_owner_updates_and_the_qa_lead_decides_saying_what_changed(personas):
    action = make_action(personas.own_case, personas.worker)
    with pytest.raises(CommandError, match="Enter the evidence"):
        actions("update", str(action.pk), "--status", "done", "--as", "worker")
    said = actions(
        "update", str(action.pk), "--status", "done", "--evidence", "Plan on file", "--as", "worker"
    )
    assert said.startswith(f"Action {action.pk} is now done (was open); owner Will Worker, due ")
    assert "is now verified (was done)" in actions("verify", str(action.pk), "--as", "qa-lead")
    reopened = actions("reopen", str(action.pk), "--reason", "It did not last", "--as", "qa-lead")
    assert "is now open (was verified)" in reopened
    moved = actions("reassign", str(action.pk), "--due", "2031-01-15", "--as", "qa-lead")
    assert "is still open" in moved and "due 15 January 2031" in moved
    actions("cancel", str(action.pk), "--reason", "The case closed", "--as", "qa-lead")
    action.refresh_from_db()
    assert action.status == "cancelled" and action.cancel_reason == "The case closed"
    events = list(
        ChangeEvent.objects.filter(subject_type="action", subject_id=str(action.pk))
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == [
        "action.updated", "action.verified", "action.reopened", "action.reassigned", "action.cancelled"
    ]  # fmt: skip


def test_nobody_reaches_an_action_outside_their_tracker_or_decides_without_the_role(personas):
    theirs = make_action(personas.other_case, personas.outsider)
    own = make_action(personas.own_case, personas.worker)
    with pytest.raises(CommandError, match=f"no action {theirs.pk} that worker may see"):
        actions("update", str(theirs.pk), "--note", "x", "--as", "worker")
    with pytest.raises(CommandError):
        actions("cancel", str(own.pk), "--reason", "x", "--as", "worker")
    with pytest.raises(CommandError, match="--as USERNAME"):
        actions("list")
    assert Action.objects.get(pk=own.pk).status == "open"
