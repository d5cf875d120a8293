"""The safeguarding concerns an auditor raised, and whether a manager has responded: open ones, and those
answered in the last 30 days (after that the answer is old news, kept on the concern's page)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.scoping import concerns_visible_to

from ..panel import MOST_LINES, Line, Panel, age
from .dates import long_date

RECENT = timedelta(days=30)


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.HAVE_AUDITS):
        return None
    since = timezone.now() - RECENT
    concerns = list(
        concerns_visible_to(user)
        .filter(raised_by=user)
        .filter(Q(responded_at__isnull=True) | Q(responded_at__gte=since))
        .select_related("case")
        .order_by(F("responded_at").desc(nulls_first=True), "-raised_at")[:MOST_LINES]
    )
    if not concerns:
        return None
    lines = []
    for concern in concerns:
        raised = f"raised {age((today - timezone.localdate(concern.raised_at)).days)}"
        if concern.responded_at is None:
            note, flag = f"Waiting for a manager's response, {raised}", "No response yet"
        else:
            note, flag = f"Answered on {long_date(timezone.localdate(concern.responded_at))}, {raised}", ""
        lines.append(
            Line(
                text=f"Concern about {concern.case.child_id}",
                href=reverse("improvement:detail", args=[concern.pk]),
                note=note,
                flag=flag,
            )
        )
    return Panel(key="concerns-raised", title="Concerns you raised", lines=lines)
