"""Safeguarding concerns waiting for a response, for the people who respond (the QA lead, a case's team
managers): first on the page, in the warning style, and within it first the concerns no team manager
has by email, because somebody must pick up the phone (docs/domain.md#safeguarding-concern)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.improvement.escalation import escalations_of
from caseaudit.improvement.scoping import concerns_visible_to

from ..panel import Line, Panel, age, plural

PHONE = "No team manager has it by email: phone the team manager or the duty team"


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.RESPOND_TO_CONCERN):
        return None
    concerns = list(
        concerns_visible_to(user)
        .filter(responded_at__isnull=True)
        .select_related("case")
        .order_by("raised_at", "pk")
    )
    if not concerns:
        return None
    escalations = escalations_of(concerns)
    # Unreached first, then the oldest: every open concern is listed, however many, since each is urgent.
    concerns.sort(key=lambda c: not escalations[c.pk].must_phone)
    # The QA lead chases a response when no manager could be reached; a team manager reading the page has
    # the concern in front of them, so is not told to phone themselves.
    chases = policy.can(user, policy.HEAR_OF_CONCERNS)
    unreached = sum(1 for c in concerns if escalations[c.pk].must_phone) if chases else 0
    return Panel(
        key="open-concerns",
        title=f"Safeguarding concerns waiting for a response ({len(concerns)})",
        warning=True,
        warning_text=(
            f"{plural(unreached, 'concern')} reached no team manager by email. Phone the team manager or the "
            "duty team now."
            if unreached
            else ""
        ),
        lines=[
            Line(
                text=f"Concern about {concern.case.child_id}",
                href=reverse("improvement:detail", args=[concern.pk]),
                note=f"Raised {age((today - timezone.localdate(concern.raised_at)).days)}"
                + (f". {PHONE}" if chases and escalations[concern.pk].must_phone else ""),
                flag="Phone now" if chases and escalations[concern.pk].must_phone else "",
            )
            for concern in concerns
        ],
        more_href=reverse("improvement:list"),
        more_text="All safeguarding concerns",
    )
