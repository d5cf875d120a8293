"""Which cases a person may see. Every read of a child's data starts here, never from Case.objects.

The policy says whose scope is what (every record, a team's, one's own caseload, one's allocated audits);
this module turns that scope into a query."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit

from .models import Case


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    if not isinstance(user, User) or not policy.can(user, policy.READ_CHILD_RECORDS):
        return Case.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return Case.objects.all()
    if policy.can(user, policy.READ_ALLOCATED_RECORDS):
        # The cases of the audits allocated to them in a confirmed cycle, and no others.
        return Case.objects.filter(pk__in=Audit.objects.allocated_to(user).values("case_id"))
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
