"""The tracker's actions: who may change what, the status rules (done needs evidence, cancel needs a
reason, closed actions stay closed), the log, and no lost updates."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caseaudit.accounts.changes import redacted
from caseaudit.accounts.models import ChangeEvent
from caseaudit.improvement import tracker
from caseaudit.improvement.actions import tracker as actions
from caseaudit.improvement.models import Action, ActionKind, ActionStatus
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.locking import EditConflict

from ..cycles.builders import make_cycle
from .conftest import days, make_action


def _status(action: Action) -> str:
    return Action.objects.get(pk=action.pk).status


def _history(action: Action) -> list[tuple[str, object, dict, dict]]:
    """The action's change events, oldest first: what happened, who did it, the values before and after."""
    events = ChangeEvent.objects.filter(subject_type="action", subject_id=str(action.pk)).order_by("pk")
    return [(event.event, event.actor, event.old, event.new) for event in events]


# Who sees which actions -----------------------------------------------------------------------------------


def test_each_role_sees_its_own_scope(personas, own_action, other_action, cycle):
    north_recommendation = make_action(None, personas.qa_lead, cycle=cycle, team=personas.own_case.team)
    south_recommendation = make_action(None, personas.qa_lead, cycle=cycle, team=personas.other_case.team)
    visible = {role: set(actions_visible_to(user)) for role, user in personas.by_role().items()}
    everything = {own_action, other_action, north_recommendation, south_recommendation}
    assert visible["qa_lead"] == everything and visible["moderator"] == everything
    assert visible["team_manager"] == {own_action, north_recommendation}
    assert visible["worker"] == {own_action}
    assert visible["outsider"] == {other_action}
    assert visible["auditor"] == set() and visible["senior_leader"] == set()


# The owner's updates --------------------------------------------------------------------------------------


def test_the_owner_moves_an_action_on_and_marks_it_done_with_evidence(personas, own_action):
    actions.update_action(
        own_action, status="in-progress", note="Booked the review.", acting_user=personas.worker
    )
    with pytest.raises(ValidationError, match=tracker.EVIDENCE_REQUIRED):
        actions.update_action(own_action, status="done", acting_user=personas.worker)
    assert _status(own_action) == ActionStatus.IN_PROGRESS
    actions.update_action(
        own_action, status="done", evidence="Pathway plan reviewed 3 March.", acting_user=personas.worker
    )
    own_action.refresh_from_db()
    assert (own_action.status, own_action.evidence, own_action.version) == (
        ActionStatus.DONE,
        "Pathway plan reviewed 3 March.",
        3,
    )
    log = [(n.from_status, n.to_status, n.text, n.evidence, n.author) for n in own_action.notes.all()]
    assert log == [
        ("open", "in-progress", "Booked the review.", "", personas.worker),
        ("in-progress", "done", "", "Pathway plan reviewed 3 March.", personas.worker),
    ]
    assert _history(own_action) == [
        (
            "action.updated",
            personas.worker,
            {"status": "open"},
            {"status": "in-progress", "note": redacted("Booked the review.")},
        ),
        (
            "action.updated",
            personas.worker,
            {"status": "in-progress", "evidence": ""},
            {"status": "done", "evidence": redacted("Pathway plan reviewed 3 March.")},
        ),
    ]


def test_a_note_alone_needs_text(personas, own_action):
    with pytest.raises(ValidationError, match="Enter a progress note"):
        actions.update_action(own_action, note="  ", acting_user=personas.worker)
    actions.update_action(own_action, note="Spoke to the young person.", acting_user=personas.worker)
    assert own_action.notes.get().to_status == "" and _status(own_action) == ActionStatus.OPEN


def test_the_team_manager_updates_their_teams_actions_but_not_anothers(personas, own_action, other_action):
    actions.update_action(own_action, note="Discussed in supervision.", acting_user=personas.team_manager)
    with pytest.raises(PermissionDenied):
        actions.update_action(other_action, note="Not mine.", acting_user=personas.team_manager)
    assert own_action.notes.count() == 1 and not other_action.notes.exists()


@pytest.mark.parametrize("role", ["moderator", "auditor", "senior_leader", "outsider"])
def test_others_may_not_update(personas, own_action, role):
    with pytest.raises(PermissionDenied):
        actions.update_action(own_action, note="Mine now.", acting_user=getattr(personas, role))
    assert not own_action.notes.exists() and not _history(own_action)


def test_an_owner_cannot_verify_or_cancel_through_an_update(personas, own_action):
    for status in ("verified", "cancelled"):
        with pytest.raises(ValidationError, match="Choose open, in progress or done"):
            actions.update_action(own_action, status=status, evidence="x", acting_user=personas.worker)
    assert _status(own_action) == ActionStatus.OPEN


def test_a_stale_page_is_refused_and_changes_nothing(personas, own_action):
    actions.update_action(own_action, note="First.", acting_user=personas.team_manager, version=1)
    stale = Action.objects.get(pk=own_action.pk)
    stale.version = 1  # the worker opened the page before the manager's note
    with pytest.raises(EditConflict):
        actions.update_action(stale, status="done", evidence="Done.", acting_user=personas.worker, version=1)
    assert stale.status == ActionStatus.OPEN and stale.version == 1
    assert _status(own_action) == ActionStatus.OPEN and own_action.notes.count() == 1
    assert [event for event, *_ in _history(own_action)] == ["action.updated"]  # the manager's note only


# The QA lead's decisions ----------------------------------------------------------------------------------


def _done(personas, action: Action) -> Action:
    actions.update_action(action, status="done", evidence="Seen in the record.", acting_user=personas.worker)
    return action


def test_only_the_qa_lead_verifies_and_only_a_done_action(personas, own_action):
    with pytest.raises(ValidationError, match="Only an action marked done"):
        actions.verify_action(own_action, acting_user=personas.qa_lead)
    _done(personas, own_action)
    for role in ("worker", "team_manager", "moderator"):
        with pytest.raises(PermissionDenied):
            actions.verify_action(own_action, acting_user=getattr(personas, role))
    assert _status(own_action) == ActionStatus.DONE
    actions.verify_action(own_action, note="Checked the record.", acting_user=personas.qa_lead)
    assert _status(own_action) == ActionStatus.VERIFIED
    # Verified is closed: the owner cannot change it any more.
    notes = own_action.notes.count()
    with pytest.raises(ValidationError, match="only the QA lead can reopen it"):
        actions.update_action(own_action, note="More.", acting_user=personas.worker)
    assert _status(own_action) == ActionStatus.VERIFIED and own_action.notes.count() == notes


def test_cancelling_needs_a_reason(personas, own_action):
    with pytest.raises(ValidationError, match="Enter the reason for cancelling"):
        actions.cancel_action(own_action, reason=" ", acting_user=personas.qa_lead)
    with pytest.raises(PermissionDenied):
        actions.cancel_action(own_action, reason="Duplicate.", acting_user=personas.team_manager)
    assert _status(own_action) == ActionStatus.OPEN
    actions.cancel_action(own_action, reason="The case closed.", acting_user=personas.qa_lead)
    own_action.refresh_from_db()
    assert (own_action.status, own_action.cancel_reason) == (ActionStatus.CANCELLED, "The case closed.")
    with pytest.raises(ValidationError, match="already cancelled"):
        actions.cancel_action(own_action, reason="Again.", acting_user=personas.qa_lead)
    own_action.refresh_from_db()
    assert own_action.cancel_reason == "The case closed."


def test_reopening_needs_a_reason_and_clears_the_evidence(personas, own_action):
    with pytest.raises(ValidationError, match="still open"):
        actions.reopen_action(own_action, reason="Why?", acting_user=personas.qa_lead)
    _done(personas, own_action)
    with pytest.raises(ValidationError, match="Enter the reason for reopening"):
        actions.reopen_action(own_action, reason="", acting_user=personas.qa_lead)
    actions.reopen_action(own_action, reason="The plan is still out of date.", acting_user=personas.qa_lead)
    own_action.refresh_from_db()
    assert (own_action.status, own_action.evidence) == (ActionStatus.OPEN, "")
    # The log keeps the evidence that was given.
    assert own_action.notes.filter(evidence="Seen in the record.").exists()


def test_reassigning_changes_owner_and_due_date_and_resets_the_reminder(personas, own_action):
    own_action.last_reminded_on = days(0)
    own_action.save()
    with pytest.raises(PermissionDenied):
        actions.reassign_action(
            own_action, owner=personas.team_manager, due_on=days(30), acting_user=personas.worker
        )
    with pytest.raises(ValidationError, match="Select an owner"):
        actions.reassign_action(
            own_action, owner=personas.outsider, due_on=days(30), acting_user=personas.qa_lead
        )
    actions.reassign_action(
        own_action, owner=personas.team_manager, due_on=days(30), acting_user=personas.qa_lead
    )
    own_action.refresh_from_db()
    assert (own_action.owner, own_action.due_on, own_action.last_reminded_on) == (
        personas.team_manager,
        days(30),
        None,
    )
    assert "Owner changed from Will Worker to Nadia Manager" in own_action.notes.get().text


def test_the_qa_lead_adds_a_recommendation(personas, cycle):
    with pytest.raises(PermissionDenied):
        actions.add_recommendation(
            cycle, text="Refresh training.", owner=personas.team_manager, team=None, due_on=days(60),
            acting_user=personas.moderator,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Enter the recommendation"):
        actions.add_recommendation(
            cycle,
            text="",
            owner=personas.team_manager,
            team=None,
            due_on=days(60),
            acting_user=personas.qa_lead,
        )
    with pytest.raises(ValidationError, match="must be today or in the future"):
        actions.add_recommendation(
            cycle,
            text="Late.",
            owner=personas.team_manager,
            team=None,
            due_on=days(-1),
            acting_user=personas.qa_lead,
        )
    with pytest.raises(ValidationError, match="Select an owner"):
        actions.add_recommendation(
            cycle,
            text="X.",
            owner=personas.senior_leader,
            team=None,
            due_on=days(9),
            acting_user=personas.qa_lead,
        )
    draft = make_cycle([personas.own_case], name="Spring 2027", season="spring", year=2027, draft=True)
    with pytest.raises(ValidationError, match="confirmed cycle"):
        actions.add_recommendation(
            draft,
            text="X.",
            owner=personas.team_manager,
            team=None,
            due_on=days(9),
            acting_user=personas.qa_lead,
        )
    made = actions.add_recommendation(
        cycle,
        text="Pathway plans reviewed on time.",
        owner=personas.team_manager,
        team=personas.own_case.team,
        due_on=days(60),
        acting_user=personas.qa_lead,
    )
    assert (made.kind, made.cycle, made.case, made.status) == (ActionKind.RECOMMENDATION, cycle, None, "open")
    assert _history(made) == [
        (
            "action.added",
            personas.qa_lead,
            {},
            {
                "kind": "recommendation",
                "cycle": cycle.pk,
                "team": personas.own_case.team.pk,
                "description": redacted("Pathway plans reviewed on time."),
                "owner": personas.team_manager.pk,
                "due_on": days(60).isoformat(),
            },
        )
    ]
    # Its owner, a team manager, updates it like any action.
    actions.update_action(
        made, status="in-progress", note="Training booked.", acting_user=personas.team_manager
    )
    assert _status(made) == ActionStatus.IN_PROGRESS


# The change history -----------------------------------------------------------------------------------------


def test_each_decision_records_what_it_changed_and_who_decided(personas, own_action):
    _done(personas, own_action)
    qa_lead = personas.qa_lead
    actions.verify_action(own_action, note="Checked the record.", acting_user=qa_lead)
    actions.reopen_action(own_action, reason="It did not last.", acting_user=qa_lead)
    actions.reassign_action(own_action, owner=personas.team_manager, due_on=days(30), acting_user=qa_lead)
    actions.cancel_action(own_action, reason="The case closed.", acting_user=qa_lead)
    moved = f"Owner changed from Will Worker to Nadia Manager. Due date changed from {days(14):%-d %B %Y} to "
    assert _history(own_action)[1:] == [
        (
            "action.verified",
            qa_lead,
            {"status": "done"},
            {"status": "verified", "note": redacted("Checked the record.")},
        ),
        (
            "action.reopened",
            qa_lead,
            {"status": "verified", "evidence": redacted("Seen in the record.")},
            {"status": "open", "evidence": "", "note": redacted("It did not last.")},
        ),
        (
            "action.reassigned",
            qa_lead,
            {"owner": personas.worker.pk, "due_on": days(14).isoformat()},
            {
                "owner": personas.team_manager.pk,
                "due_on": days(30).isoformat(),
                "note": redacted(moved + f"{days(30):%-d %B %Y}."),
            },
        ),
        (
            "action.cancelled",
            qa_lead,
            {"status": "open", "cancel_reason": ""},
            {
                "status": "cancelled",
                "cancel_reason": redacted("The case closed."),
                "note": redacted("The case closed."),
            },
        ),
    ]


def test_a_refused_change_records_nothing(personas, own_action, cycle):
    with pytest.raises(PermissionDenied):
        actions.cancel_action(own_action, reason="Duplicate.", acting_user=personas.team_manager)
    with pytest.raises(PermissionDenied):
        actions.add_recommendation(
            cycle, text="X.", owner=personas.worker, team=None, due_on=days(9), acting_user=personas.worker
        )
    with pytest.raises(ValidationError):
        actions.verify_action(own_action, acting_user=personas.qa_lead)  # not done yet
    with pytest.raises(EditConflict):
        actions.update_action(own_action, note="Stale.", acting_user=personas.worker, version=7)
    assert not ChangeEvent.objects.filter(subject_type="action").exists() and not own_action.notes.exists()
