"""Which cases a person may see. Every read of a child's data starts here, never from Case.objects.

The policy says whose scope is what (every record, a team's, one's own caseload, one's allocated audits);
this module turns that scope into a query."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User

from .models import Case

AllocatedCases = Callable[[User], QuerySet[Case]]


def _nothing_allocated(user: User) -> QuerySet[Case]:
    return Case.objects.none()


# Which cases an auditor's allocations open to them. Only the audits app knows whose audits are whose, and
# it sits above the register, so it hands this query down at start-up (AuditsConfig.ready).
_allocated_cases: AllocatedCases = _nothing_allocated


def register_allocated_cases(query: AllocatedCases) -> None:
    global _allocated_cases  # one query, set once at start-up
    _allocated_cases = query


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    if not isinstance(user, User) or not policy.can(user, policy.READ_CHILD_RECORDS):
        return Case.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return Case.objects.all()
    if policy.can(user, policy.READ_ALLOCATED_RECORDS):
        return _allocated_cases(user)
    staff = user.staff
    if staff is None:
        return Case.objects.none()
    if policy.can(user, policy.READ_TEAM_RECORDS):
        mine = Q(manager=staff)
        if staff.team_id is not None:
            mine |= Q(team_id=staff.team_id)
        return Case.objects.filter(mine)
    if policy.can(user, policy.READ_OWN_RECORDS):
        return Case.objects.filter(worker=staff)
    return Case.objects.none()
