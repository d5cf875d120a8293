"""Audits returned to their auditors for more work, oldest first, for the QA lead who sees that they come
back."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import AuditStatus, ModerationEvent
from caseaudit.audits.scoping import audits_visible_to

from ..panel import MOST_LINES, Line, Panel, age


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.CHASE_AUDITS):
        return None
    returned = (
        audits_visible_to(user)
        .filter(status=AuditStatus.RETURNED)
        .annotate(
            returned_at=Max(
                "moderation_events__at", filter=Q(moderation_events__kind=ModerationEvent.Kind.RETURNED)
            )
        )
        .select_related("case", "auditor")
        .order_by("returned_at", "pk")
    )
    total = returned.count()
    if not total:
        return None
    lines = []
    for audit in returned[:MOST_LINES]:
        auditor = (audit.auditor.get_full_name() or audit.auditor.username) if audit.auditor else "no auditor"
        when = (
            f"Returned {age((today - timezone.localdate(audit.returned_at)).days)}"
            if audit.returned_at
            else ""
        )
        lines.append(
            Line(
                text=f"Audit of {audit.case.child_id}, with {auditor}",
                href=reverse("audits:detail", args=[audit.pk]),
                note=when,
            )
        )
    return Panel(
        key="returned-audits",
        title=f"Audits returned for more work ({total})",
        lines=lines,
        more_text=f"{total - len(lines)} more: see the cycles" if total > len(lines) else "",
        more_href=reverse("cycles:list") if total > len(lines) else "",
    )
