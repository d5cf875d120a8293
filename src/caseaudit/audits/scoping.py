"""Which audits a person may see. Every read of an audit starts here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from caseaudit.accounts.models import Role, User
from caseaudit.cases.scoping import cases_visible_to

from .models import Audit


def audits_visible_to(user: User | AnonymousUser) -> QuerySet[Audit]:
    """The QA lead and moderators see all audits; an auditor the ones allocated to them in a confirmed
    cycle; team managers and workers the audits of the cases they may see."""
    if not isinstance(user, User) or not user.sees_child_level_data:
        return Audit.objects.none()
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return Audit.objects.all()
    if user.role == Role.AUDITOR:
        return Audit.objects.allocated_to(user)
    return Audit.objects.confirmed().filter(case__in=cases_visible_to(user))
