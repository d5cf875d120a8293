"""The follow-up audits given to an auditor and not yet completed, by due date."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.models import FollowUpStatus
from caseaudit.improvement.scoping import follow_ups_visible_to

from ..panel import Line, Panel
from .dates import due_note


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.COMPLETE_FOLLOW_UP):
        return None
    mine = list(
        follow_ups_visible_to(user)
        .filter(auditor=user, status=FollowUpStatus.ALLOCATED)
        .select_related("case")
        .order_by("due_on", "pk")
    )
    if not mine:
        return None
    return Panel(
        key="my-follow-ups",
        title=f"Follow-up audits to complete ({len(mine)})",
        lines=[
            Line(
                text=f"Follow-up of {f.case.child_id}",
                href=reverse("actions:follow-up", args=[f.pk]),
                note=due_note(f.due_on, today),
                late=f.due_on < today,
            )
            for f in mine
        ],
    )
