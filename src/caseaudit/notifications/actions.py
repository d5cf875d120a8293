"""What a person changes about their own notifications, and the QA lead's "send again" on a failed email."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User

from .models import Email, Notification, Preference
from .notify import emails_wanted
from .outbox import deliver, try_again_now


def mark_read(person: User, notifications: QuerySet[Notification]) -> int:
    """Mark some of the person's own notifications read; never anyone else's. Nothing about a child or
    an audit changes, so it is not in the change history."""
    return notifications.filter(recipient=person, read_at__isnull=True).update(read_at=timezone.now())


def choose_email(person: User, *, email: bool) -> bool:
    """Notifications by email as well as in the app, or in the app only (safeguarding concerns and account
    links are emailed whatever is chosen). Returns whether anything changed."""
    if emails_wanted(person) == email:
        return False
    _record_choice(person, email=email)
    return True


@changes_state
def _record_choice(person: User, *, email: bool) -> None:
    Preference.objects.update_or_create(person=person, defaults={"email": email})
    record_change(
        person, "notifications.email-chosen", person, old={"email": not email}, new={"email": email}
    )


@changes_state
def send_again(email: Email, *, acting_user: policy.Actor) -> None:
    """Put a failed email back in the queue; it is handed to the mail server after the commit."""
    policy.require(acting_user, policy.RESEND_EMAIL)
    if email.status == Email.Status.SENT:
        raise ValidationError("This email was sent: there is nothing to send again.")
    record_change(
        acting_user,
        "email.sent-again",
        email,
        old={"status": email.status, "attempts": email.attempts, "last_error": email.last_error},
    )
    try_again_now(email)
    transaction.on_commit(lambda: deliver(email.pk))
