"""Follow-up audits (issue 6, scope 6): a short check of whether a case's actions were done.

The QA lead arranges one for a case with actions still open, in progress or done, and allocates it to an
auditor (never one of the case's own team). The auditor answers for each action whether it was done, with
the evidence seen. Completing it verifies the actions that were done and reopens the others, with the
follow-up's words in each action's log, so the loop from finding to change closes. The changes are the
action functions of `improvement.actions.follow_ups`; this module says what is checked and by whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .models import Action, ActionKind, ActionStatus, FollowUp, FollowUpStatus
from .scoping import follow_ups_visible_to

CHECKED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)


@dataclass(frozen=True)
class Answer:
    done: bool | None
    evidence: str = ""


def actions_to_check(case: Case) -> QuerySet[Action]:
    """The case's actions from audits that are not yet verified or cancelled."""
    return Action.objects.in_tracker().filter(case=case, kind=ActionKind.ACTION, status__in=CHECKED)


def follow_up_auditors(case: Case) -> QuerySet[User]:
    """Active auditors with no conflict of interest: not in the case's team, not its worker or manager."""
    conflict = Q(staff__isnull=False) & (Q(staff=case.worker_id) | Q(staff=case.manager_id))
    if case.team_id is not None:
        conflict |= Q(staff__team_id=case.team_id)
    return (
        policy.holders(policy.COMPLETE_FOLLOW_UP)
        .exclude(conflict)
        .select_related("staff")
        .order_by("last_name", "first_name", "username")
    )


def follow_up_cases(user: User) -> QuerySet[Case]:
    """The cases of the follow-up audits allocated to `user` and not yet completed: the auditor reads the
    case while they check its actions, and no longer once the follow-up is done. Handed down to the
    register's scoping at start-up (ImprovementConfig.ready)."""
    open_follow_ups = FollowUp.objects.filter(auditor=user, status=FollowUpStatus.ALLOCATED)
    return Case.objects.filter(pk__in=open_follow_ups.values("case_id"))


def my_follow_ups(user: User) -> dict[str, Any]:
    """For My audits: `my_follow_ups`, the follow-up audits allocated to `user` still to do, soonest due
    first, and `my_completed_follow_ups`, how many they have completed. Handed down at start-up."""
    theirs = follow_ups_visible_to(user).filter(auditor=user)
    return {
        "my_follow_ups": list(
            theirs.filter(status=FollowUpStatus.ALLOCATED)
            .select_related("case", "case__team")
            .order_by("due_on")
        ),
        "my_completed_follow_ups": theirs.filter(status=FollowUpStatus.COMPLETED).count(),
    }
