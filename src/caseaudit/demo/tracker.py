"""The demo's improvement tracker: the recommendations of last autumn's report, and some of this cycle's
actions already past their due date, so that the improvement meeting has something to work through,
overdue first. Synthetic, like everything in the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from caseaudit import policy
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.actions.tracker import add_recommendation
from caseaudit.improvement.models import Action, ActionKind
from caseaudit.improvement.tracker import recommendation_owners

_RECOMMENDATIONS = (
    (
        "Review every care leaver's pathway plan within six months of the last one, and record why when not.",
        45,
    ),
    ("Team managers record the reason for each decision in the supervision notes of the case.", 30),
    ("Ask every child or young person audited for their views, through the feedback link or in person.", 90),
)


def seed_demo_tracker(past_cycle: Cycle, *, today: date, seed: int) -> tuple[int, int]:
    """Add the past cycle's recommendations (by the demo QA lead) and make a third of the audits' actions
    overdue. Returns (recommendations added, actions overdue)."""
    qa_lead = policy.holders(policy.DECIDE_ACTIONS).order_by("pk").first()
    managers = recommendation_owners().filter(pk__in=policy.holders(policy.READ_TEAM_RECORDS))
    owners = list(managers) or list(recommendation_owners())
    if qa_lead is None or not owners:
        return 0, 0
    rng = random.Random(seed + 6)
    # A recommendation is due today or later on the real calendar, whatever date the demo pretends it is.
    start = max(today, timezone.localdate())
    for text, days in _RECOMMENDATIONS:
        owner = rng.choice(owners)
        add_recommendation(
            past_cycle,
            text=text,
            owner=owner,
            team=owner.staff.team if owner.staff else None,
            due_on=start + timedelta(days=days),
            acting_user=qa_lead,
        )
    # Actions agreed earlier in the cycle, as if some weeks ago: due dates already passed. Set directly,
    # because the tracker rightly refuses a due date in the past for a new action.
    actions = list(Action.objects.filter(kind=ActionKind.ACTION).order_by("pk").values_list("pk", flat=True))
    overdue = actions[::3]
    for pk in overdue:
        Action.objects.filter(pk=pk).update(due_on=start - timedelta(days=rng.randint(3, 25)))
    return len(_RECOMMENDATIONS), len(overdue)
