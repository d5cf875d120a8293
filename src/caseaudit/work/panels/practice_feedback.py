"""Feedback from audits waiting to be acknowledged: for a worker, the feedback on their own cases; for a
team manager, what their team has not yet acknowledged, so that it comes up in supervision."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import PracticeFeedback
from caseaudit.audits.scoping import audits_visible_to

from ..panel import MOST_LINES, Line, Panel, age


def panel(user: User, today: date) -> Panel | None:
    acknowledges = policy.can(user, policy.ACKNOWLEDGE_PRACTICE_FEEDBACK)
    if not (acknowledges or policy.can(user, policy.FOLLOW_CASE_AUDITS)):
        return None
    waiting = PracticeFeedback.objects.filter(
        audit__in=audits_visible_to(user), sent_at__isnull=False, acknowledged_at__isnull=True
    )
    if acknowledges:  # a worker acknowledges only the feedback on the cases allocated to them
        waiting = waiting.filter(audit__case__worker=user.staff_id) if user.staff_id else waiting.none()
    found = list(waiting.select_related("audit__case").order_by("sent_at", "pk")[:MOST_LINES])
    if not found:
        return None
    count = len(found) if len(found) < MOST_LINES else waiting.count()
    lines = [
        Line(
            text=f"{feedback.audit.case.child_id}: what went well and what to do next",
            href=reverse("audits:practice-feedback", args=[feedback.audit_id]),
            note=f"Sent {age((today - timezone.localdate(feedback.sent_at)).days)}",
        )
        for feedback in found
    ]
    title = (
        "Feedback from audits to acknowledge" if acknowledges else "Feedback your team has not acknowledged"
    )
    return Panel(key="practice-feedback", title=f"{title} ({count})", lines=lines)
