"""Reminders for the tracker: each owner is told once, in the app and by email, of their actions due
within 7 days and those overdue. Run daily (or weekly) from cron: `caseaudit send-action-reminders`.

At most one reminder a day: each action remembers the day it was last in a reminder, so a second run on
the same day sends nothing. Done, verified and cancelled actions are never chased.

Email leaves the authority's systems: the subject holds no Child Unique ID, and the body lists each
action by its number, due date and link, never its description (which may describe the child)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.notifications.models import Kind
from caseaudit.notifications.notify import Message
from caseaudit.notifications.outbox import deliver

from .actions.reminders import remind_owner
from .models import Action
from .tracker import STILL_TO_DO

DUE_SOON_DAYS = 7


@dataclass
class Reminder:
    owner: User
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return [*self.overdue, *self.due_soon]


@dataclass
class ReminderRun:
    reminders: list[Reminder]
    told: int = 0  # owners reminded in the app
    sent: int = 0  # of their emails, those the mail server accepted
    failed: int = 0  # and those it did not, left to the outbox's retries

    @property
    def actions(self) -> int:
        return sum(len(r.actions) for r in self.reminders)


def reminders_due(as_of: date) -> list[Reminder]:
    """Per owner: their open or in-progress actions due by `as_of` + 7 days, not yet in a reminder on
    `as_of`. Owners without an email address are reminded in the app."""
    actions = (
        Action.objects.in_tracker()
        .filter(status__in=STILL_TO_DO, due_on__lte=as_of + timedelta(days=DUE_SOON_DAYS))
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=as_of))
        .filter(owner__is_active=True)
        .select_related("owner")
        .order_by("owner_id", "due_on", "pk")
    )
    by_owner: dict[int, Reminder] = {}
    for action in actions:
        assert action.owner is not None
        reminder = by_owner.setdefault(action.owner.pk, Reminder(action.owner))
        (reminder.overdue if action.due_on < as_of else reminder.due_soon).append(action)
    return list(by_owner.values())


def reminder_message(reminder: Reminder, *, as_of: date, site_url: str) -> Message:
    base = site_url.rstrip("/")
    lines = ["These actions in the improvement tracker need your attention.", ""]
    for title, actions in (
        ("Overdue", reminder.overdue),
        (f"Due in the next {DUE_SOON_DAYS} days", reminder.due_soon),
    ):
        if not actions:
            continue
        lines.append(f"{title}:")
        for action in actions:
            late = (as_of - action.due_on).days
            when = f"due {action.due_on:%-d %B %Y}" + (
                f", {late} day{'s' if late != 1 else ''} overdue" if late > 0 else ""
            )
            link = base + reverse("actions:detail", args=[action.pk])
            lines.append(f"- {action.get_kind_display()} {action.pk}, {when}: {link}")
        lines.append("")
    lines += ["Open each one to add a progress note, or to mark it done with the evidence."]
    parts = []
    if reminder.overdue:
        parts.append(f"{len(reminder.overdue)} overdue")
    if reminder.due_soon:
        parts.append(f"{len(reminder.due_soon)} due in the next {DUE_SOON_DAYS} days")
    summary = " and ".join(parts)
    return Message(
        kind=Kind.ACTION_DUE,
        text=f"Your actions: {summary}.",
        link=reverse("actions:meeting"),
        subject=f"Improvement tracker: {summary}",
        body="\n".join(lines) + "\n",
        link_in_email=False,
    )


def send_action_reminders(
    as_of: date, *, acting_user: policy.Actor, dry_run: bool = False, site_url: str | None = None
) -> ReminderRun:
    """Remind each owner once (`remind_owner`: in the app, and by email through the outbox), then hand
    each email to the mail server at once, so that the run can say how many went. An email the server
    refuses stays in the outbox, which tries again (`caseaudit send-email`); the actions count as
    reminded, so the owner is not told twice in one day."""
    policy.require(acting_user, policy.SEND_REMINDERS)
    url = site_url if site_url is not None else getattr(settings, "CASEAUDIT_SITE_URL", "")
    run = ReminderRun(reminders_due(as_of))
    if dry_run:
        return run
    for reminder in run.reminders:
        message = reminder_message(reminder, as_of=as_of, site_url=url)
        told = remind_owner(reminder.owner, reminder.actions, message, as_of=as_of, acting_user=acting_user)
        run.told += 1
        if told is not None and told.email is not None:
            email = deliver(told.email.pk) or told.email
            if email.status == email.Status.SENT:
                run.sent += 1
            else:
                run.failed += 1
    return run
