"""Reminding an owner of their actions, and recording the day, so that they are reminded at most once a
day. What the reminder says is `improvement.reminders`'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.notifications.models import Notification
from caseaudit.notifications.notify import Message, notify

from ..models import Action


@changes_state
def remind_owner(
    owner: User, actions: Sequence[Action], message: Message, *, as_of: date, acting_user: policy.Actor
) -> Notification | None:
    """Tell `owner` of `actions` (in the app, and by email unless they chose the app only) and record
    that they were reminded on `as_of`. The email is written to the outbox, not yet sent."""
    policy.require(acting_user, policy.SEND_REMINDERS)
    pks = [action.pk for action in actions]
    Action.objects.filter(pk__in=pks).update(last_reminded_on=as_of)
    record_change(acting_user, "user.reminded", owner, new={"actions": pks, "reminded_on": as_of})
    return notify(owner, message, send_after_commit=False)
