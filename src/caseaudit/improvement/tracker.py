"""The improvement tracker (issue 6, scope 5): actions from audits and recommendations from a cycle's
report, chased until done and verified.

Who may do what:
- an action's owner (a team manager or worker) updates it: progress notes, in progress, done with
  evidence; a team manager may update every action of their team's cases and their team's
  recommendations;
- the QA lead verifies (done to verified), reopens, cancels (with a reason), reassigns the owner or the
  due date, adds recommendations, and may update any action;
- moderators read every action and change none (unless they own it);
- senior leaders see counts only (`action_counts`), never an action: descriptions may hold child-level
  detail.

Every change is an action function: it checks permission, claims the action's version (a change made on
a stale page raises EditConflict and changes nothing), runs in one transaction, appends an ActionNote to
the action's log and writes the access log."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case, Team
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.locking import EditConflict

from .models import Action, ActionKind, ActionNote, ActionStatus

TEXT_MAX = 5_000
STILL_TO_DO = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# What an owner may set: the QA lead's verification and cancellation are separate actions.
OWNER_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
CLOSED = (ActionStatus.VERIFIED, ActionStatus.CANCELLED)
TRACKER_ROLES = (Role.QA_LEAD, Role.MODERATOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
RECOMMENDATION_OWNER_ROLES = (Role.QA_LEAD, Role.MODERATOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)

EVIDENCE_REQUIRED = "Enter the evidence that the action is done"
NOTE_REQUIRED = "Enter a progress note, or choose a new status"
REASON_REQUIRED = "Enter the reason"
CONFLICT = (
    "This action was changed by someone else after you opened it, so your change was not saved. Copy "
    "anything you need, reload the page to see their change, then make yours again."
)


# Who sees which actions -----------------------------------------------------------------------------------


def actions_visible_to(user: User | AnonymousUser | None) -> QuerySet[Action]:
    """The QA lead and moderators see every action; a team manager the actions of the cases they may see,
    their team's recommendations and what they own; a worker what they own; nobody else any."""
    if not isinstance(user, User) or not user.sees_child_level_data:
        return Action.objects.none()
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return Action.objects.all()
    if user.role == Role.TEAM_MANAGER:
        mine = Q(owner=user) | Q(case__in=cases_visible_to(user))
        team_id = user.staff.team_id if user.staff else None
        if team_id is not None:
            mine |= Q(case__isnull=True, team_id=team_id)
        return Action.objects.filter(mine)
    if user.role == Role.SOCIAL_WORKER:
        return Action.objects.filter(owner=user)
    return Action.objects.none()


def may_use_tracker(user: object) -> bool:
    return isinstance(user, User) and user.is_active and user.role in TRACKER_ROLES


def may_update(user: object, action: Action) -> bool:
    """The owner, a team manager of the action's team or case, or the QA lead."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.QA_LEAD or (action.owner_id is not None and action.owner_id == user.pk):
        return True
    if user.role != Role.TEAM_MANAGER:
        return False
    team_id = user.staff.team_id if user.staff else None
    if action.case_id is not None:
        return cases_visible_to(user).filter(pk=action.case_id).exists()
    return team_id is not None and action.team_id == team_id


def case_action_owners(case: Case) -> QuerySet[User]:
    """Who may own an action about this child: the active team managers and workers of the case's team,
    and the case's own worker and manager (as when the auditor adds it)."""
    mine = Q(staff__isnull=False) & (Q(staff=case.worker_id) | Q(staff=case.manager_id))
    if case.team_id is not None:
        mine |= Q(staff__team_id=case.team_id)
    return (
        User.objects.filter(is_active=True, role__in=(Role.TEAM_MANAGER, Role.SOCIAL_WORKER))
        .filter(mine)
        .select_related("staff")
        .order_by("role", "staff__name", "username")
    )


def recommendation_owners() -> QuerySet[User]:
    """A recommendation is about practice, not one child: any active QA, manager or worker may own it.
    Senior leaders are left out: they see counts only."""
    return (
        User.objects.filter(is_active=True, role__in=RECOMMENDATION_OWNER_ROLES)
        .select_related("staff")
        .order_by("role", "staff__name", "username")
    )


def owners_for(action: Action) -> QuerySet[User]:
    return case_action_owners(action.case) if action.case is not None else recommendation_owners()


def person(user: User | None) -> str:
    """How the tracker names a person: their name in the register, else their account's name."""
    if user is None:
        return "No owner"
    if user.staff is not None:
        return user.staff.name
    return user.get_full_name() or user.username


# Helpers --------------------------------------------------------------------------------------------------


def _require_qa_lead(user: User | None, what: str) -> User:
    if not isinstance(user, User) or not user.is_qa_lead:
        raise PermissionDenied(f"Only the QA lead may {what}.")
    return user


def _text(value: str | None, what: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(required)
    if len(value) > TEXT_MAX:
        raise ValidationError(f"{what} must be {TEXT_MAX:,} characters or fewer")
    return value


def _claim(action: Action, version: int | None) -> None:
    """Move the action to its next version, or raise EditConflict if it moved on since `version` (by
    default, the version the caller holds). Call inside the transaction that makes the change."""
    expected = action.version if version is None else version
    moved = Action.objects.filter(pk=action.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise EditConflict(CONFLICT)
    action.version = expected + 1


def _change(
    action: Action,
    *,
    acting_user: User,
    version: int | None,
    fields: dict[str, object],
    note: str = "",
    evidence: str = "",
    logged: str,
) -> ActionNote:
    """Claim the version, set `fields`, append the note, log the change: one transaction. If anything
    refuses, the action in memory is left as it was."""
    before = {name: getattr(action, name) for name in (*fields, "version")}
    try:
        with transaction.atomic():
            _claim(action, version)
            from_status = action.status
            for name, value in fields.items():
                setattr(action, name, value)
            action.save(update_fields=[*fields, "updated_at"])
            entry = ActionNote.objects.create(
                action=action,
                author=acting_user,
                text=note,
                evidence=evidence,
                from_status=from_status if action.status != from_status else "",
                to_status=action.status if action.status != from_status else "",
            )
            record_access(acting_user, "update", "action", action.pk, logged)
    except BaseException:
        for name, value in before.items():
            setattr(action, name, value)
        raise
    return entry


# The owner's updates --------------------------------------------------------------------------------------


def update_action(
    action: Action,
    *,
    status: str | None = None,
    note: str = "",
    evidence: str = "",
    acting_user: User,
    version: int | None = None,
) -> ActionNote:
    """A progress note, a new status (open, in progress, done), or both. Done needs the evidence that it
    was done. A verified or cancelled action is closed: only the QA lead can reopen it."""
    if not may_update(acting_user, action):
        raise PermissionDenied("Only the action's owner, its team manager or the QA lead may update it.")
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
    logged = f"{action.status} to {status}" if changing else "progress note"
    return _change(
        action,
        acting_user=acting_user,
        version=version,
        fields=fields,
        note=note,
        evidence=evidence if status == ActionStatus.DONE else "",
        logged=logged,
    )


# The QA lead's decisions ----------------------------------------------------------------------------------


def verify_action(
    action: Action, *, note: str = "", acting_user: User, version: int | None = None
) -> ActionNote:
    """The QA lead has checked the evidence: a done action becomes verified, and closed."""
    _require_qa_lead(acting_user, "verify actions")
    if action.status != ActionStatus.DONE:
        raise ValidationError("Only an action marked done can be verified.")
    return _change(
        action,
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.VERIFIED},
        note=_text(note, "The note"),
        logged="verified",
    )


def reopen_action(
    action: Action, *, reason: str, acting_user: User, version: int | None = None
) -> ActionNote:
    """Back to open, with the reason: a done action whose evidence falls short, a verified action found
    not to have lasted, a cancellation undone. The evidence is cleared (the log keeps it)."""
    _require_qa_lead(acting_user, "reopen actions")
    if action.status not in (ActionStatus.DONE, *CLOSED):
        raise ValidationError("This action is still open: there is nothing to reopen.")
    reason = _text(reason, "The reason", required="Enter the reason for reopening the action")
    return _change(
        action,
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.OPEN, "evidence": "", "cancel_reason": ""},
        note=reason,
        logged=f"reopened from {action.status}",
    )


def cancel_action(
    action: Action, *, reason: str, acting_user: User, version: int | None = None
) -> ActionNote:
    """The action is no longer needed (the child's case closed, a duplicate, overtaken by events): it
    leaves the meeting's list, with the reason kept."""
    _require_qa_lead(acting_user, "cancel actions")
    if action.status in CLOSED:
        raise ValidationError(f"This action is already {action.get_status_display().lower()}.")
    reason = _text(reason, "The reason", required="Enter the reason for cancelling the action")
    return _change(
        action,
        acting_user=acting_user,
        version=version,
        fields={"status": ActionStatus.CANCELLED, "cancel_reason": reason},
        note=reason,
        logged="cancelled",
    )


def reassign_action(
    action: Action,
    *,
    owner: User | None,
    due_on: date | None,
    acting_user: User,
    version: int | None = None,
) -> ActionNote:
    """A new owner, a new due date, or both. The new owner is reminded afresh."""
    _require_qa_lead(acting_user, "reassign actions")
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
    return _change(
        action,
        acting_user=acting_user,
        version=version,
        fields={"owner": owner, "due_on": due_on, "last_reminded_on": None},
        note=" ".join(changes),
        logged="reassigned",
    )


def add_recommendation(
    cycle: Cycle,
    *,
    text: str,
    owner: User | None,
    team: Team | None,
    due_on: date | None,
    acting_user: User,
) -> Action:
    """A recommendation of a cycle's report, tracked beside the audits' actions."""
    _require_qa_lead(acting_user, "add recommendations")
    if cycle.status == CycleStatus.DRAFT:
        raise ValidationError("Recommendations come from a confirmed cycle, not a draft sample")
    text = _text(text, "The recommendation", required="Enter the recommendation")
    if owner is None or not recommendation_owners().filter(pk=owner.pk).exists():
        raise ValidationError("Select an owner from the list")
    if due_on is None:
        raise ValidationError("Enter the date the recommendation is due")
    if due_on < timezone.localdate():
        raise ValidationError("The date the recommendation is due must be today or in the future")
    with transaction.atomic():
        action = Action.objects.create(
            kind=ActionKind.RECOMMENDATION,
            cycle=cycle,
            team=team,
            description=text,
            owner=owner,
            due_on=due_on,
            created_by=acting_user,
        )
        record_access(acting_user, "create", "action", action.pk, f"recommendation, cycle {cycle.pk}")
    return action
