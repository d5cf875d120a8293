"""Realistic work for the home page's tests: cycles, audits in each state, concerns, actions and
follow-ups, built through the same builders (and, for concerns, the same action) as the rest of the
suite, with dates relative to today so the tests mean the same whenever they run."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.actions.concerns import escalate_concern
from caseaudit.improvement.models import FollowUp, SafeguardingConcern
from caseaudit.notifications.models import Email

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_case

TODAY = timezone.localdate()
LAST_YEAR, NEXT_YEAR = TODAY.year - 1, TODAY.year + 1
RETURN_COMMENTS = "Please add the pathway plan review to the evidence."


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def panel(text: str, key: str) -> str:
    """The HTML of one panel, or "" when the page does not show it."""
    start = text.find(f'id="panel-{key}"')
    return "" if start < 0 else text[start : text.index("</section>", start)]


def panels(text: str) -> list[str]:
    """The panels' keys, in the order the page shows them."""
    return re.findall(r'<section class="app-work-panel[^"]*" id="panel-([a-z-]+)"', text)


def audit_of(cycle: Cycle, case) -> Audit:
    return cycle.audits.get(case=case)


def submit(audit: Audit, *, grade: str = "good", days_ago: int = 3) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    Audit.objects.filter(pk=audit.pk).update(
        status=AuditStatus.SUBMITTED, auditor_grade=grade, submitted_at=at, completed_on=at.date()
    )


def return_to_auditor(audit: Audit, by, *, days_ago: int = 2) -> None:
    submit(audit, days_ago=days_ago + 1)
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.RETURNED)
    event = ModerationEvent.objects.create(
        audit=audit, kind=ModerationEvent.Kind.RETURNED, comments=RETURN_COMMENTS, by=by
    )
    ModerationEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days_ago))


def raise_concern(audit: Audit, auditor, *, days_ago: int = 0, emailed: bool = False) -> SafeguardingConcern:
    concern = escalate_concern(audit, description="The child was not seen for 3 months.", acting_user=auditor)
    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        raised_at=timezone.now() - timedelta(days=days_ago)
    )
    if emailed:  # as if the mail server had accepted the managers' emails
        Email.objects.filter(notification__about_id=str(concern.pk)).update(status=Email.Status.SENT)
    return concern


def follow_up(case, auditor, *, due_in: int) -> FollowUp:
    return FollowUp.objects.create(case=case, auditor=auditor, due_on=TODAY + timedelta(days=due_in))


@pytest.fixture
def late_cycle(personas) -> Cycle:
    """Last year's autumn cycle, still open, both cases allocated to the auditor: both audits are late."""
    cycle = make_cycle([personas.own_case, personas.other_case], year=LAST_YEAR)
    allocate_to(cycle, personas.auditor)
    return cycle


@pytest.fixture
def current_cycle(personas) -> Cycle:
    """Next year's spring cycle, two new cases of the own team allocated to the auditor: not late."""
    cases = [make_case(f"N1{n:05d}", "looked-after", personas.own_case.team) for n in range(2)]
    cycle = make_cycle(cases, season="spring", year=NEXT_YEAR)
    allocate_to(cycle, personas.auditor)
    return cycle
