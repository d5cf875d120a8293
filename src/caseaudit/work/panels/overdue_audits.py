"""Audits past their cycle's deadline and not yet submitted, per auditor and cycle, for the QA lead who
chases or reallocates them (on the cycle's page)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import NOT_WORK
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.cycles.models import CycleStatus

from ..panel import Line, Panel, age, plural

NOT_ALLOCATED = "Not allocated"


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.CHASE_AUDITS):
        return None
    # A closed cycle's sample is fixed: what it left undone is history, not work.
    rows = (
        audits_visible_to(user)
        .filter(cycle__ends_on__lt=today, cycle__status__in=[CycleStatus.PLANNED, CycleStatus.IN_PROGRESS])
        .exclude(status__in=NOT_WORK)
        .values_list(
            "auditor__username",
            "auditor__first_name",
            "auditor__last_name",
            "cycle_id",
            "cycle__name",
            "cycle__ends_on",
        )
        .annotate(n=Count("pk"))
        .order_by("cycle__ends_on", "auditor__last_name", "auditor__username")
    )
    lines = [
        Line(
            text=f"{(f'{first} {last}'.strip() or username) if username else NOT_ALLOCATED}, {cycle_name}",
            href=reverse("cycles:detail", args=[cycle_id]),
            count=n,
            note=f"{plural(n, 'audit')} overdue: the deadline was {age((today - ends_on).days)}",
            late=True,
        )
        for username, first, last, cycle_id, cycle_name, ends_on, n in rows
    ]
    if not lines:
        return None
    return Panel(
        key="overdue-audits",
        title=f"Overdue audits ({sum(line.count or 0 for line in lines)})",
        lines=lines,
        child_level=False,
    )
