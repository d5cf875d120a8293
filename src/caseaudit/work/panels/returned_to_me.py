"""An auditor's audits returned for more work, with what the moderator asked for: the first thing they
need to do."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import AuditStatus, ModerationEvent
from caseaudit.audits.scoping import audits_visible_to

from ..panel import Line, Panel, age


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.HAVE_AUDITS):
        return None
    returned = list(
        audits_visible_to(user).filter(status=AuditStatus.RETURNED).select_related("case").order_by("pk")
    )
    if not returned:
        return None
    # The latest return of each: an audit returned twice shows the comments that still stand.
    latest: dict[int, ModerationEvent] = {}
    for event in ModerationEvent.objects.filter(
        audit__in=[a.pk for a in returned], kind=ModerationEvent.Kind.RETURNED
    ).order_by("at", "pk"):
        latest[event.audit_id] = event
    lines = []
    for audit in returned:
        last = latest.get(audit.pk)
        lines.append(
            Line(
                text=f"{audit.case.child_id}: returned for more work",
                href=reverse("audits:detail", args=[audit.pk]),
                note=f"Returned {age((today - timezone.localdate(last.at)).days)}" if last else "",
                quote=last.comments if last else "",
            )
        )
    return Panel(key="returned-to-me", title=f"Audits returned to you ({len(lines)})", lines=lines)
