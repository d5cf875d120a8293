"""The moderation queue, for the QA lead and moderators: how many submitted audits wait, and for how long."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import AuditStatus
from caseaudit.audits.scoping import audits_visible_to

from ..panel import Line, Panel, age, plural


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.MODERATE):
        return None
    waiting = audits_visible_to(user).filter(status=AuditStatus.SUBMITTED)
    # Nobody moderates their own audit, so those are not this person's work.
    counts = waiting.exclude(auditor=user).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    if not counts["n"]:
        return None
    oldest = counts["oldest"]
    return Panel(
        key="moderation-queue",
        title="Moderation",
        child_level=False,
        lines=[
            Line(
                text=f"{plural(counts['n'], 'audit')} waiting for moderation",
                href=reverse("audits:moderation-queue"),
                count=counts["n"],
                note=f"Oldest submitted {age((today - timezone.localdate(oldest)).days)}" if oldest else "",
            )
        ],
    )
