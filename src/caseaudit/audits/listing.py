"""Audits as a list shows them (the API's, `caseaudit audits` and `caseaudit moderate queue`): one row
shape, so that each says the same of an audit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caseaudit.accounts.models import User

from .models import Audit, AuditStatus
from .scoping import audits_visible_to


def readable_audits(user: User, *, status: str = "", cycle_id: int | None = None) -> QuerySet[Audit]:
    """The audits this person may read, newest cycle first: an auditor's allocations, the audited team's
    once submitted, every audit for the QA team."""
    audits = audits_visible_to(user).select_related("case", "cycle", "auditor").order_by("-cycle_id", "pk")
    if status:
        audits = audits.filter(status=status)
    if cycle_id:
        audits = audits.filter(cycle_id=cycle_id)
    return audits


def waiting_for_moderation(user: User) -> QuerySet[Audit]:
    """The submitted audits, the longest waiting first."""
    return readable_audits(user, status=AuditStatus.SUBMITTED).order_by("submitted_at", "pk")


def audit_row(audit: Audit) -> dict[str, Any]:
    auditor = audit.auditor
    return {
        "id": audit.pk,
        "case_id": audit.case_id,
        "child_id": audit.case.child_id,
        "cohort": audit.cohort,
        "cycle": audit.cycle.name if audit.cycle else None,
        "status": audit.status,
        "auditor": (auditor.get_full_name() or auditor.username) if auditor else None,
        "auditor_grade": audit.auditor_grade,
        "moderated_grade": audit.moderated_grade,
        "submitted_at": audit.submitted_at,
        "version": audit.version,
    }
