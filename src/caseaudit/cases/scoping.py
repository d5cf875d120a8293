"""Which cases a person may see. Every read of a child's data starts here, never from Case.objects."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit

from .models import Case


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    if not isinstance(user, User) or not user.sees_child_level_data:
        return Case.objects.none()
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return Case.objects.all()
    staff = user.staff
    if staff is None:
        return Case.objects.none()
    if user.role == Role.TEAM_MANAGER:
        mine = Q(manager=staff)
        if staff.team_id is not None:
            mine |= Q(team_id=staff.team_id)
        return Case.objects.filter(mine)
    if user.role == Role.SOCIAL_WORKER:
        return Case.objects.filter(worker=staff)
    if user.role == Role.AUDITOR:
        # The cases of the audits allocated to them in a confirmed cycle, and no others.
        return Case.objects.filter(pk__in=Audit.objects.allocated_to(user).values("case_id"))
    return Case.objects.none()
