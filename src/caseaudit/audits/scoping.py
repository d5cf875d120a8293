"""Which audits a person may see. Every read of an audit starts here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.scoping import cases_visible_to

from .models import DONE, Audit, PracticeFeedback


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


def readable_feedback(user: User, audit: Audit) -> PracticeFeedback | None:
    """The auditor's feedback to the worker and manager on `audit`, if this person may read it now: the
    case's worker and manager once it is sent (when the audit is moderated), the auditor and the QA team
    from when it is written. None otherwise, and for an audit without feedback."""
    if not policy.can(user, policy.READ_PRACTICE_FEEDBACK, audit):
        return None
    feedback = PracticeFeedback.objects.filter(audit=audit).select_related("acknowledged_by").first()
    if feedback is None or feedback.sent_at is not None:
        return feedback
    early_reader = policy.can(user, policy.READ_AUDIT_DRAFTS, audit) or audit.auditor_id == user.pk
    return feedback if early_reader else None
