"""For whoever manages accounts (the administrator, the QA lead): the people given an account who have not
yet chosen a password, since their link lasts 72 hours and may need sending again. No child data."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User

from ..panel import Line, Panel, plural


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.MANAGE_ACCOUNTS):
        return None
    # An account made without a password carries Django's unusable-password marker until its person
    # chooses one from their link.
    waiting = User.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX).count()
    if not waiting:
        return None
    return Panel(
        key="accounts-waiting",
        title="Accounts",
        child_level=False,
        lines=[
            Line(
                text=f"{plural(waiting, 'person has', 'people have')} not chosen a password yet",
                href=reverse("people:list") + "?active=yes",
                count=waiting,
                note="Their link lasts 72 hours: send a new one from their account page if it has run out",
            )
        ],
    )
