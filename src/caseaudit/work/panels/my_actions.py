"""The actions a team manager or worker has to see through, overdue first: for a worker the ones they own,
for a team manager those of their team's cases and recommendations too (`actions_visible_to`)."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, IntegerField, Value, When
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.improvement.tracker import STILL_TO_DO

from ..panel import MOST_LINES, Line, Panel, plural
from .dates import due_note

DESCRIPTION_SHOWN = 90  # characters: enough to recognise the action, the rest is on its page


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.OWN_CASE_ACTIONS):
        return None
    to_do = actions_visible_to(user).filter(status__in=STILL_TO_DO)
    total = to_do.count()
    if not total:
        return None
    overdue = to_do.filter(due_on__lt=today).count()
    shown = (
        to_do.annotate(
            late=Case(When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .select_related("case")
        .order_by("late", "due_on", "pk")[:MOST_LINES]
    )
    whose = "Your team's actions" if policy.can(user, policy.READ_TEAM_RECORDS) else "Your actions"
    return Panel(
        key="my-actions",
        title=f"{whose} ({total} to do" + (f", {overdue} overdue)" if overdue else ")"),
        lines=[
            Line(
                text=f"{action.case.child_id if action.case else 'Recommendation'}: "
                f"{truncatechars(action.description, DESCRIPTION_SHOWN)}",
                href=reverse("actions:detail", args=[action.pk]),
                note=due_note(action.due_on, today),
                late=action.due_on < today,
            )
            for action in shown
        ],
        more_href=reverse("actions:meeting"),
        more_text=f"All {plural(total, 'action')} in the tracker"
        if total > MOST_LINES
        else "The actions tracker",
    )
