"""Which audits a person may see. Every read of an audit starts here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.scoping import cases_visible_to

from .models import DONE, Audit


def audits_visible_to(user: User | AnonymousUser) -> QuerySet[Audit]:
    """The QA team sees every audit; an auditor the ones allocated to them; team managers and workers the
    submitted audits of the cases they may see. A draft cycle's audits are a proposal, seen only by its
    planners.

    An audit still being written (or returned to its auditor for more work) is the auditor's draft: the
    audited team reaches it once it is submitted, and never sees words the auditor may still change."""
    if not isinstance(user, User) or not policy.can(user, policy.READ_CHILD_RECORDS):
        return Audit.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        audits = Audit.objects.all()
    elif policy.can(user, policy.READ_ALLOCATED_RECORDS):
        audits = Audit.objects.filter(auditor=user)
    else:
        audits = Audit.objects.filter(case__in=cases_visible_to(user))
    if not policy.can(user, policy.READ_AUDIT_DRAFTS):
        audits = audits.filter(status__in=DONE)
    return audits if policy.can(user, policy.PLAN_CYCLES) else audits.confirmed()
