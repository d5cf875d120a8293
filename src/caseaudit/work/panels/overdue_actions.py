"""Overdue actions and recommendations, per team, for the QA lead who takes them to the improvement
meeting: each line opens the tracker filtered to the team."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.meeting import NO_TEAM
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.improvement.tracker import STILL_TO_DO

from ..panel import Line, Panel, plural


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.DECIDE_ACTIONS):
        return None
    rows = (
        actions_visible_to(user)
        .filter(status__in=STILL_TO_DO, due_on__lt=today)
        .values_list("team_id", "team__name")
        .annotate(n=Count("pk"), earliest=Min("due_on"))
        .order_by("earliest", "team__name")
    )
    meeting = reverse("actions:meeting")
    lines = [
        Line(
            text=team_name or NO_TEAM,
            href=f"{meeting}?{urlencode({'team': team_id, 'group': 'owner'})}" if team_id else meeting,
            count=n,
            note=f"{plural(n, 'action')} overdue, the longest by {plural((today - earliest).days, 'day')}",
            late=True,
        )
        for team_id, team_name, n, earliest in rows
    ]
    if not lines:
        return None
    return Panel(
        key="overdue-actions",
        title=f"Overdue actions ({sum(line.count or 0 for line in lines)})",
        lines=lines,
        child_level=False,
        more_href=meeting,
        more_text="The actions tracker",
    )
