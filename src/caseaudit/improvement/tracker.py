"""The improvement tracker (issue 6, scope 5): actions from audits and recommendations from a cycle's
report, chased until done and verified. This module holds its rules and who takes part; the changes are
the action functions of `improvement.actions.tracker`, and who may make them is the policy's
(`UPDATE_ACTION`, `DECIDE_ACTIONS`):
- an action's owner (a team manager or worker) updates it: progress notes, in progress, done with
  evidence; a team manager may update every action of their team's cases and their team's
  recommendations;
- the QA lead verifies (done to verified), reopens, cancels (with a reason), reassigns the owner or the
  due date, adds recommendations, and may update any action;
- moderators read every action and change none (unless they own it);
- senior leaders see counts only (`meeting.counts_by_team`), never an action: descriptions may hold
  child-level detail."""

from __future__ import annotations

from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.completion import case_action_owners

from .models import Action, ActionStatus

TEXT_MAX = 5_000
STILL_TO_DO = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# What an owner may set: the QA lead's verification and cancellation are separate actions.
OWNER_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
CLOSED = (ActionStatus.VERIFIED, ActionStatus.CANCELLED)

EVIDENCE_REQUIRED = "Enter the evidence that the action is done"
NOTE_REQUIRED = "Enter a progress note, or choose a new status"


def recommendation_owners() -> QuerySet[User]:
    """A recommendation is about practice, not one child: any active QA, manager or worker may own it.
    Senior leaders are left out: they see counts only."""
    return (
        policy.holders(policy.OWN_ACTIONS).select_related("staff").order_by("role", "staff__name", "username")
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
