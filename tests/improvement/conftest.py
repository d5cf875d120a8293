"""Actions for the tracker's tests, made directly (the audit form's `add_action` is tested with audits)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionKind

from ..cycles.builders import allocate_to, make_cycle


def days(n: int) -> date:
    """`n` days from today (negative: in the past)."""
    return timezone.localdate() + timedelta(days=n)


def make_action(
    case: Case | None,
    owner: User | None,
    *,
    due_in: int = 14,
    status: str = "open",
    description: str = "Update the pathway plan.",
    audit: Audit | None = None,
    cycle: Cycle | None = None,
    **fields,
) -> Action:
    kind = ActionKind.ACTION if cycle is None else ActionKind.RECOMMENDATION
    if audit is not None and audit.submitted_at is None:
        # The tracker holds an audit's actions once the audit is submitted: these are.
        audit.submitted_at = timezone.now()
        Audit.objects.filter(pk=audit.pk).update(submitted_at=audit.submitted_at)
    return Action.objects.create(
        kind=kind,
        audit=audit,
        case=case,
        cycle=cycle,
        team=fields.pop("team", case.team if case else None),
        description=description,
        owner=owner,
        due_on=days(due_in),
        status=status,
        **fields,
    )


@pytest.fixture
def cycle(personas) -> Cycle:
    made = make_cycle([personas.own_case, personas.other_case])
    allocate_to(made, personas.auditor)
    return made


@pytest.fixture
def own_action(personas, cycle) -> Action:
    """The own case's action, from its audit, owned by the worker."""
    return make_action(personas.own_case, personas.worker, audit=cycle.audits.get(case=personas.own_case))


@pytest.fixture
def other_action(personas, cycle) -> Action:
    """The other team's case's action, owned by the outsider."""
    return make_action(
        personas.other_case, personas.outsider, audit=cycle.audits.get(case=personas.other_case)
    )
