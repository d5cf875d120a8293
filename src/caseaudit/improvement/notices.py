"""What the tracker tells people: an action given to them (from a submitted audit, a recommendation, a
reassignment) and a follow-up audit given to an auditor. Reminders of actions due are `reminders.py`'s,
concerns `escalation.py`'s. In the app the line may name the Child ID; the email never does."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.notifications.models import Kind
from caseaudit.notifications.notify import Message, notify

from .models import Action, FollowUp


def _given(count: int) -> str:
    return f"{count} action{'s' if count != 1 else ''}"


def tell_owners_of_audit_actions(audit: Audit, actions: Iterable[Action]) -> None:
    """Each owner once, however many of the audit's actions they own."""
    counts: dict[User, int] = {}
    for action in actions:
        if action.owner is not None:
            counts[action.owner] = counts.get(action.owner, 0) + 1
    for owner, count in counts.items():
        notify(
            owner,
            Message(
                kind=Kind.ACTION_ASSIGNED,
                text=f"The audit of {audit.case.child_id} gives you {_given(count)}.",
                link=reverse("actions:meeting"),
                subject="An audit gives you actions",
                body=f"An audit has given you {_given(count)}. Read them in the improvement tracker:",
                about=audit,
            ),
        )


def tell_new_owner(action: Action) -> None:
    if action.owner is None:
        return
    about = f" about {action.case.child_id}" if action.case is not None else ""
    due = f"{action.due_on:%-d %B %Y}"
    notify(
        action.owner,
        Message(
            kind=Kind.ACTION_ASSIGNED,
            text=f"{action.get_kind_display()} {action.pk}{about} is given to you, due {due}.",
            link=reverse("actions:detail", args=[action.pk]),
            subject=f"{action.get_kind_display()} {action.pk} is given to you",
            body=f"{action.get_kind_display()} {action.pk} is given to you, due {due}. Read it here:",
            about=action,
        ),
    )


def tell_follow_up_auditor(follow_up: FollowUp) -> None:
    if follow_up.auditor is None:
        return
    due = f"{follow_up.due_on:%-d %B %Y}"
    notify(
        follow_up.auditor,
        Message(
            kind=Kind.AUDIT_ALLOCATED,
            text=f"A follow-up audit of {follow_up.case.child_id} is given to you, due {due}.",
            link=reverse("actions:follow-up", args=[follow_up.pk]),
            subject="A follow-up audit is given to you",
            body=f"A follow-up audit is given to you, due {due}. Open it here:",
            about=follow_up,
        ),
    )
