"""Telling a person something they must act on: a line in their notifications, and an email too unless
they chose the app only (safeguarding concerns and account links always go by email)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Model

from caseaudit.accounts.models import User

from .models import ALWAYS_EMAILED, Email, Notification, Preference
from .outbox import queue_email


@dataclass(frozen=True)
class Message:
    kind: str
    # One line for the list in the app; it may name a Child ID, since only the recipient reads it there.
    text: str
    link: str = ""
    # The email's subject and body: never a child's name, nor a Child ID in the subject.
    subject: str = ""
    body: str = ""
    about: Model | None = None
    # The email ends with the link, unless its body already links to each thing it lists.
    link_in_email: bool = True


def emails_wanted(person: User) -> bool:
    """Whether the person wants their notifications by email too (the default) or in the app only."""
    preference = Preference.objects.filter(person=person).first()
    return preference is None or preference.email


def wants_email(person: User, kind: str) -> bool:
    return kind in ALWAYS_EMAILED or emails_wanted(person)


def absolute(link: str) -> str:
    return settings.CASEAUDIT_SITE_URL.rstrip("/") + link if link.startswith("/") else link


def notify(person: User, message: Message, *, send_after_commit: bool = True) -> Notification | None:
    """Tell `person` in the app, and by email where they have an address and want one; an inactive
    account is not told at all (None). The email goes after the commit, unless the caller sends it
    itself (`send_after_commit=False`, for a batch that reports what went)."""
    if not person.is_active:
        return None
    email: Email | None = None
    if person.email and message.subject and wants_email(person, message.kind):
        body = message.body
        if message.link and message.link_in_email:
            body += f"\n\n{absolute(message.link)}\n"
        email = queue_email(
            person.email,
            message.subject,
            body,
            kind=message.kind,
            recipient=person,
            send_after_commit=send_after_commit,
        )
    about = message.about
    return Notification.objects.create(
        recipient=person,
        kind=message.kind,
        text=message.text[:300],
        link=message.link,
        about_type=(about._meta.model_name or "") if about is not None else "",
        about_id=str(about.pk) if about is not None else "",
        email=email,
    )


def notify_each(people: list[User], message: Message) -> list[Notification]:
    """Tell each person once, however often they are listed."""
    told = (notify(person, message) for person in dict.fromkeys(people))
    return [notification for notification in told if notification is not None]


def told_about(obj: Model) -> list[Notification]:
    """Who was told about `obj`, with how: for a page that must say exactly who knows."""
    return list(
        Notification.objects.filter(about_type=obj._meta.model_name, about_id=str(obj.pk))
        .select_related("recipient", "email")
        .order_by("pk")
    )
