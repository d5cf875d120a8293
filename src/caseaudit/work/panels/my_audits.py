"""An auditor's audits still to write, by deadline, the late ones marked. Returned audits have their own
panel, with the moderator's comments."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import NOT_WORK, AuditStatus
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.core.cohorts import COHORT_LABELS

from ..panel import MOST_LINES, Line, Panel
from .dates import due_note


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.HAVE_AUDITS):
        return None
    # Allocated in a cycle: an imported past audit has no deadline and nothing left to write.
    to_write = (
        audits_visible_to(user)
        .filter(cycle__isnull=False)
        .exclude(status__in=(*NOT_WORK, AuditStatus.RETURNED))
        .select_related("case", "cycle")
        .order_by("cycle__ends_on", "case__child_id")
    )
    total = to_write.count()
    if not total:
        return None
    shown = list(to_write[:MOST_LINES])
    late = to_write.filter(cycle__ends_on__lt=today).count()
    return Panel(
        key="my-audits",
        title=f"Audits to complete ({total})" + (f", {late} late" if late else ""),
        lines=[
            Line(
                text=f"{audit.case.child_id} ({COHORT_LABELS.get(audit.cohort, audit.cohort)}), "
                f"{AuditStatus(audit.status).label.lower()}",
                href=reverse("audits:detail", args=[audit.pk]),
                note=due_note(audit.cycle.ends_on, today),
                late=audit.cycle.ends_on < today,
            )
            for audit in shown
            if audit.cycle is not None
        ],
        more_href=reverse("audits:mine"),
        more_text=f"All {total} of your audits" if total > len(shown) else "All your audits",
    )
