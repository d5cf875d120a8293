"""The latest audits of the cases a team manager or worker works on, with their grade: what the QA team
found, as soon as the audit is submitted (a draft is the auditor's working notes)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.audits.scoping import audits_visible_to

from ..panel import MOST_LINES, Line, Panel
from .dates import long_date


def _grade(audit: Audit) -> str:
    if audit.status == AuditStatus.MODERATED and audit.moderated_grade:
        slug, words = audit.moderated_grade, "moderated grade"
    elif audit.auditor_grade:
        slug, words = audit.auditor_grade, "auditor's grade, waiting for moderation"
    else:
        return ""
    label = audit.grade_scale.label(slug) if audit.grade_scale else slug
    return f"{label} ({words})"


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.FOLLOW_CASE_AUDITS):
        return None
    latest = list(
        audits_visible_to(user)
        .filter(status__in=(AuditStatus.SUBMITTED, AuditStatus.MODERATED), submitted_at__isnull=False)
        .select_related("case", "grade_scale")
        .order_by("-submitted_at", "-pk")[:MOST_LINES]
    )
    if not latest:
        return None
    whose = "your team's cases" if policy.can(user, policy.READ_TEAM_RECORDS) else "your cases"
    return Panel(
        key="case-audits",
        title=f"Latest audits of {whose}",
        lines=[
            Line(
                text=f"{audit.case.child_id}: {_grade(audit) or AuditStatus(audit.status).label}",
                href=reverse("audits:detail", args=[audit.pk]),
                note=f"Submitted on {long_date(timezone.localdate(audit.submitted_at))}"
                if audit.submitted_at
                else "",
            )
            for audit in latest
        ],
        more_href=reverse("cases:list"),
        more_text=f"All {whose}",
    )
