"""Recording that an owner was reminded of their actions, so that they are reminded at most once a day.
The email itself is sent before, by `improvement.reminders.send_action_reminders`: the day is recorded
only for an email that went."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User

from ..models import Action


@changes_state
def mark_reminded(owner: User, actions: Sequence[Action], *, as_of: date, acting_user: policy.Actor) -> None:
    """`owner` was emailed about `actions` on `as_of`."""
    policy.require(acting_user, policy.SEND_REMINDERS)
    pks = [action.pk for action in actions]
    Action.objects.filter(pk__in=pks).update(last_reminded_on=as_of)
    record_change(acting_user, "user.reminded", owner, new={"actions": pks, "reminded_on": as_of})
