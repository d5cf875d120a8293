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


# Which cases an auditor's allocations open to them. Only the apps above the register know whose audits are
# whose: the audits app hands down the cases of the audits allocated to an auditor (AuditsConfig.ready), the
# improvement app those of the follow-up audits they have still to complete (ImprovementConfig.ready).
_allocated_cases: list[AllocatedCases] = []


def register_allocated_cases(query: AllocatedCases) -> None:
    """Open to an auditor the cases `query` gives them, besides those other queries give. Registering the
    same query twice adds it once: `ready()` may run more than once in tests."""
    if query not in _allocated_cases:
        _allocated_cases.append(query)


def _allocated(user: User) -> QuerySet[Case]:
    if not _allocated_cases:
        return Case.objects.none()
    ids = Q()
    for query in _allocated_cases:
        ids |= Q(pk__in=query(user).values("pk"))
    return Case.objects.filter(ids)


def scope_of(user: User) -> str | None:
    """What `cases_visible_to(user)` depends on besides the cases themselves, where that is the person's own
    record: a team manager sees their team's cases and those they manage, a worker their caseload. None
    where it depends on other tables too (an auditor's allocations) or on nothing (every record, none):
    results kept per person are filed under this and a fingerprint of the register, and never outlive a
    change of team. Kept beside `cases_visible_to` so that the two change together."""
    if not policy.can(user, policy.READ_CHILD_RECORDS) or policy.can(user, policy.READ_EVERY_RECORD):
        return None
    if policy.can(user, policy.READ_ALLOCATED_RECORDS) or user.staff is None:
        return None
    staff = user.staff
    if policy.can(user, policy.READ_TEAM_RECORDS):
        return f"team:{staff.pk}:{staff.team_id}"
    if policy.can(user, policy.READ_OWN_RECORDS):
        return f"own:{staff.pk}"
    return None


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    if not isinstance(user, User) or not policy.can(user, policy.READ_CHILD_RECORDS):
        return Case.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return Case.objects.all()
    if policy.can(user, policy.READ_ALLOCATED_RECORDS):
        return _allocated(user)
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
