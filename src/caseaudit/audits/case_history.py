"""A case's audits and the feedback received for them, for the case page (handed down to
`cases.panels.register_case_history` at start-up, AuditsConfig.ready).

Only the audits the reader may see (`audits_visible_to`): the QA team every one, an auditor their own,
the case's team manager and worker those submitted. So the table's links are to audits the reader may open,
and a moderated grade shows only once an audit is moderated."""

from __future__ import annotations

from typing import Any

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .models import DONE, Audit, AuditStatus, FeedbackResponse
from .scoping import audits_visible_to


def _label(audit: Audit, slug: str) -> str:
    if not slug:
        return ""
    return audit.grade_scale.label(slug) if audit.grade_scale else slug


def _row(audit: Audit) -> dict[str, Any]:
    return {
        "audit": audit,
        "period": audit.cycle.name if audit.cycle else "Historical audit",
        "date": audit.completed_on or (audit.submitted_at.date() if audit.submitted_at else None),
        # A draft's grade is the auditor's working note (`draft_grade`): only a submitted one is shown. A
        # past audit loaded with its moderated grade alone has none on record.
        "auditor_grade": (_label(audit, audit.auditor_grade) or "Not recorded")
        if audit.status in DONE
        else "",
        "moderated_grade": _label(audit, audit.moderated_grade)
        if audit.status == AuditStatus.MODERATED
        else "",
        "auditor": (audit.auditor.get_full_name() or audit.auditor.username)
        if audit.auditor
        else audit.auditor_organisation,
    }


def audit_history(case: Case, user: User) -> dict[str, Any]:
    """`case_audits` (newest first) and `case_feedback` (when feedback was received, from whom, for which
    audit: never its words, which stay on the audit's feedback page)."""
    audits = list(
        audits_visible_to(user)
        .filter(case=case)
        .select_related("cycle", "grade_scale", "auditor")
        .order_by("-completed_on", "-submitted_at", "-pk")
    )
    feedback = FeedbackResponse.objects.filter(audit__in=[a.pk for a in audits]).select_related("audit")
    return {
        "case_audits": [_row(audit) for audit in audits],
        "case_feedback": list(feedback.order_by("-received_on", "-pk")),
    }
