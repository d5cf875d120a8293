"""Changes to the tracker's actions and recommendations: the owner's updates, the QA lead's decisions,
new recommendations.

Each asks the policy, claims the action's version (a change made on a stale page raises EditConflict and
changes nothing), appends an ActionNote to the action's log, and records a change event with the values
that changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.accounts.models import User
from caseaudit.cases.models import Team
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.locking import claim_version

from ..models import Action, ActionKind, ActionNote, ActionStatus
from ..notices import tell_new_owner
from ..tracker import (
    CLOSED,
    EVIDENCE_REQUIRED,
    NOTE_REQUIRED,
    OWNER_STATUSES,
    TEXT_MAX,
    owners_for,
    person,
    recommendation_owners,
)


def _text(value: str | None, what: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(required)
    if len(value) > TEXT_MAX:
        raise ValidationError(f"{what} must be {TEXT_MAX:,} characters or fewer")
    return value


# The action's free-text fields, which the change history keeps by their length only.
_TEXTS = frozenset({"evidence", "cancel_reason"})


def _recorded(name: str, value: Any) -> Any:
    """A value as the change history keeps it: a person by their id, free text by its length."""
    if isinstance(value, models.Model):
        return value.pk
    return redacted(value) if name in _TEXTS else value


def _change(
    action: Action,
    event: str,
    *,
    acting_user: policy.Actor,
    version: int | None,
    fields: dict[str, object],
    note: str = "",
    evidence: str = "",
) -> ActionNote:
    """Claim the version, set `fields`, append the note to the log, and record `event` with the fields
    whose values changed (and the note, if any)."""
    claim_version(action, version, thing="action")
    before = {name: getattr(action, name) for name in fields}
    from_status = action.status
    for name, value in fields.items():
        setattr(action, name, value)
    action.save(update_fields=[*fields, "updated_at"])
    moved = action.status != from_status
    entry = ActionNote.objects.create(
        action=action,
        author=policy.named(acting_user),
        text=note,
        evidence=evidence,
        from_status=from_status if moved else "",
        to_status=action.status if moved else "",
    )
    changed = [name for name in fields if before[name] != fields[name]]
    record_change(
        acting_user,
        event,
        action,
        old={name: _recorded(name, before[name]) for name in changed},
        new={
            **{name: _recorded(name, fields[name]) for name in changed},
            **({"note": redacted(note)} if note else {}),
        },
    )
    return entry


# The owner's updates --------------------------------------------------------------------------------------


@changes_state
def update_action(
    action: Action,
    *,
    status: str | None = None,
    note: str = "",
    evidence: str = "",
    acting_user: policy.Actor,
    version: int | None = None,
) -> ActionNote:
    """A progress note, a new status (open, in progress, done), or both. Done needs the evidence that it
    was done. A verified or cancelled action is closed: only the QA lead can reopen it."""
    policy.require(acting_user, policy.UPDATE_ACTION, action)
    if action.status in CLOSED:
        raise ValidationError(
            f"This {action.get_kind_display().lower()} is {action.get_status_display().lower()}: only the "
            "QA lead can reopen it."
        )
    status = status or action.status
    if status not in OWNER_STATUSES:
        raise ValidationError("Choose open, in progress or done")
    note = _text(note, "The note")
    evidence = _text(evidence, "The evidence")
    changing = status != action.status
    if status == ActionStatus.DONE and changing and not evidence:
        raise ValidationError(EVIDENCE_REQUIRED)
    if not changing and not note and not (status == ActionStatus.DONE and evidence):
        raise ValidationError(NOTE_REQUIRED)
    fields: dict[str, object] = {"status": status}
    if status == ActionStatus.DONE and evidence:
        fields["evidence"] = evidence
    elif status != ActionStatus.DONE:
        fields["evidence"] = ""
    return _change(
        action,
        "action.updated",
        acting_user=acting_user,
        version=version,
        fields=fields,
        note=note,
        evidence=evidence if status == ActionStatus.DONE else "",
    )


# The QA lead's decisions ----------------------------------------------------------------------------------


@changes_state
def verify_action(
    action: Action, *, note: str = "", acting_user: policy.Actor, version: int | None = None
) -> ActionNote:
    """The QA lead has checked the evidence: a done action becomes verified, and closed."""
    policy.require(acting_user, policy.DECIDE_ACTIONS)
    if action.status != ActionStatus.DONE:
        raise ValidationError("Only an action marked done can be verified.")
    return _change(
        action,
        "action.verified",
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.VERIFIED},
        note=_text(note, "The note"),
    )


@changes_state
def reopen_action(
    action: Action, *, reason: str, acting_user: policy.Actor, version: int | None = None
) -> ActionNote:
    """Back to open, with the reason: a done action whose evidence falls short, a verified action found
    not to have lasted, a cancellation undone. The evidence is cleared (the log keeps it)."""
    policy.require(acting_user, policy.DECIDE_ACTIONS)
    if action.status not in (ActionStatus.DONE, *CLOSED):
        raise ValidationError("This action is still open: there is nothing to reopen.")
    reason = _text(reason, "The reason", required="Enter the reason for reopening the action")
    return _change(
        action,
        "action.reopened",
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.OPEN, "evidence": "", "cancel_reason": ""},
        note=reason,
    )


@changes_state
def cancel_action(
    action: Action, *, reason: str, acting_user: policy.Actor, version: int | None = None
) -> ActionNote:
    """The action is no longer needed (the child's case closed, a duplicate, overtaken by events): it
    leaves the meeting's list, with the reason kept."""
    policy.require(acting_user, policy.DECIDE_ACTIONS)
    if action.status in CLOSED:
        raise ValidationError(f"This action is already {action.get_status_display().lower()}.")
    reason = _text(reason, "The reason", required="Enter the reason for cancelling the action")
    return _change(
        action,
        "action.cancelled",
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.CANCELLED, "cancel_reason": reason},
        note=reason,
    )


@changes_state
def reassign_action(
    action: Action,
    *,
    owner: User | None,
    due_on: date | None,
    acting_user: policy.Actor,
    version: int | None = None,
) -> ActionNote:
    """A new owner, a new due date, or both. The new owner is reminded afresh."""
    policy.require(acting_user, policy.DECIDE_ACTIONS)
    if action.status in CLOSED:
        raise ValidationError(f"This action is {action.get_status_display().lower()}: reopen it first.")
    if owner is None or not owners_for(action).filter(pk=owner.pk).exists():
        raise ValidationError(
            "Select an owner: an active team manager or social worker of the case's team"
            if action.case_id
            else "Select an owner from the list"
        )
    if due_on is None:
        raise ValidationError("Enter the date the action is due")
    changes = []
    if owner.pk != action.owner_id:
        changes.append(f"Owner changed from {person(action.owner)} to {person(owner)}.")
    if due_on != action.due_on:
        changes.append(f"Due date changed from {action.due_on:%-d %B %Y} to {due_on:%-d %B %Y}.")
    if not changes:
        raise ValidationError("Change the owner or the due date")
    new_owner = owner.pk != action.owner_id
    entry = _change(
        action,
        "action.reassigned",
        acting_user=acting_user,
        version=version,
        fields={"owner": owner, "due_on": due_on, "last_reminded_on": None},
        note=" ".join(changes),
    )
    if new_owner:
        tell_new_owner(action)
    return entry


@changes_state
def add_recommendation(
    cycle: Cycle,
    *,
    text: str,
    owner: User | None,
    team: Team | None,
    due_on: date | None,
    acting_user: policy.Actor,
) -> Action:
    """A recommendation of a cycle's report, tracked beside the audits' actions."""
    policy.require(acting_user, policy.DECIDE_ACTIONS)
    if cycle.status == CycleStatus.DRAFT:
        raise ValidationError("Recommendations come from a confirmed cycle, not a draft sample")
    text = _text(text, "The recommendation", required="Enter the recommendation")
    if owner is None or not recommendation_owners().filter(pk=owner.pk).exists():
        raise ValidationError("Select an owner from the list")
    if due_on is None:
        raise ValidationError("Enter the date the recommendation is due")
    if due_on < timezone.localdate():
        raise ValidationError("The date the recommendation is due must be today or in the future")
    action = Action.objects.create(
        kind=ActionKind.RECOMMENDATION,
        cycle=cycle,
        team=team,
        description=text,
        owner=owner,
        due_on=due_on,
        created_by=policy.named(acting_user),
    )
    record_change(
        acting_user,
        "action.added",
        action,
        new={
            "kind": ActionKind.RECOMMENDATION,
            "cycle": cycle.pk,
            "team": team.pk if team else None,
            "description": redacted(text),
            "owner": owner.pk,
            "due_on": due_on,
        },
    )
    tell_new_owner(action)
    return action
