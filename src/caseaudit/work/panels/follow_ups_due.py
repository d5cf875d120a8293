"""Follow-up audits not yet completed that are overdue or due within a week, for the QA lead who arranged
them."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.models import FollowUpStatus
from caseaudit.improvement.scoping import follow_ups_visible_to

from ..panel import MOST_LINES, Line, Panel
from .dates import due_note

WITHIN = timedelta(days=7)


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.CHASE_AUDITS):
        return None
    due = (
        follow_ups_visible_to(user)
        .filter(status=FollowUpStatus.ALLOCATED, due_on__lte=today + WITHIN)
        .select_related("case", "auditor")
        .order_by("due_on", "pk")
    )
    total = due.count()
    if not total:
        return None
    lines = [
        Line(
            text=f"Follow-up of {f.case.child_id}, with {f.auditor.get_full_name() or f.auditor.username}",
            href=reverse("actions:follow-up", args=[f.pk]),
            note=due_note(f.due_on, today),
            late=f.due_on < today,
        )
        for f in due[:MOST_LINES]
    ]
    return Panel(
        key="follow-ups-due",
        title=f"Follow-up audits due ({total})",
        lines=lines,
        more_href=reverse("actions:follow-ups"),
        more_text="All follow-up audits",
    )
