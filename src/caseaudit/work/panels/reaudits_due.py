"""Cases due for re-audit after an Inadequate grade (docs/domain.md#re-audit-after-inadequate), for the
QA lead who plans them into a cycle: those due now, and those falling due within the next 8 weeks."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cycles.reaudits import outstanding_reaudits

from ..panel import Line, Panel, plural

SOON = timedelta(weeks=8)  # about the time from planning a cycle to its end


def panel(user: User, today: date) -> Panel | None:
    if not (policy.can(user, policy.CHASE_AUDITS) and policy.can(user, policy.SEE_REAUDITS)):
        return None
    due = outstanding_reaudits()
    now = [r for r in due if r.due_on <= today]
    soon = [r for r in due if today < r.due_on <= today + SOON]
    href = reverse("actions:reaudits")
    lines = []
    if now:
        lines.append(
            Line(
                text=f"{plural(len(now), 'case')} due for re-audit now",
                href=href,
                count=len(now),
                note=f"The earliest was due {plural((today - min(r.due_on for r in now)).days, 'day')} ago",
                late=True,
            )
        )
    if soon:
        lines.append(Line(text=f"{plural(len(soon), 'case')} due within 8 weeks", href=href, count=len(soon)))
    if not lines:
        return None
    return Panel(key="reaudits-due", title="Re-audits due", lines=lines, child_level=False)
