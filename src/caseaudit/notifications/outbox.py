"""The outbox: every email the service sends is a row here first.

An email is written in the same transaction as the change it tells of, so a change that rolls back sends
nothing, and a change that commits always leaves its email behind. Right after the commit it is queued for
the worker (`tasks.send_email`), which hands it to the mail server, so that no page waits for the mail
server; if the server refuses or cannot be reached, the email waits and is tried again with back-off by
`caseaudit enqueue email` or `caseaudit send-email` (run every few minutes by the scheduler,
docs/operations.md). Only an email the mail server accepted is ever called sent."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caseaudit.accounts.models import User

from .models import Email

logger = logging.getLogger(__name__)

# Minutes to wait after each refusal: quickly at first, for a server restarting, then every few hours.
# After the last, the outbox gives up and the QA lead sees the email as failed for good.
BACK_OFF_MINUTES = (1, 5, 15, 60, 240, 720)
# An email claimed for sending longer ago than this was lost with the process that claimed it.
SENDING_TIMEOUT = timedelta(minutes=10)


def queue_email(
    to: str,
    subject: str,
    body: str,
    *,
    kind: str,
    recipient: User | None = None,
    send_after_commit: bool = True,
) -> Email:
    """Write an email to the outbox, to be handed to the mail server by the worker once the transaction
    commits."""
    email = Email.objects.create(
        kind=kind, to=to, recipient=recipient, subject=subject, body=body, next_attempt_at=timezone.now()
    )
    if send_after_commit:
        # robust: if the queue cannot take it, the email still waits in the outbox for the next sweep.
        transaction.on_commit(lambda: _queue_for_sending(email.pk), robust=True)
    return email


def _queue_for_sending(pk: int) -> None:
    from .tasks import send_email

    send_email.enqueue(pk)


def _claim(pk: int, now: datetime) -> bool:
    """Mark the email as being sent, unless another process already has it: two workers never send one
    email twice."""
    due = Q(status__in=[Email.Status.QUEUED, Email.Status.FAILED], next_attempt_at__lte=now) | Q(
        status=Email.Status.SENDING, next_attempt_at__lte=now - SENDING_TIMEOUT
    )
    return bool(Email.objects.filter(due, pk=pk).update(status=Email.Status.SENDING, next_attempt_at=now))


def _reason(error: Exception) -> str:
    text = str(error).strip() or "no reason given"
    return f"{type(error).__name__}: {text}"[:500]


def deliver(pk: int, *, now: datetime | None = None) -> Email | None:
    """Try to hand one email to the mail server now, if it is due. Returns it with its new status, or
    None if it was not due (already sent, given up, or being sent elsewhere)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return None
    email = Email.objects.get(pk=pk)
    email.attempts += 1
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as error:  # whatever the backend raises, the email must wait, not vanish
        logger.warning("Email %s was not accepted by the mail server (try %s)", pk, email.attempts)
        email.status = Email.Status.FAILED
        email.last_error = _reason(error)
        waits = BACK_OFF_MINUTES[email.attempts - 1 :]
        email.next_attempt_at = now + timedelta(minutes=waits[0]) if waits else None
    else:
        email.status, email.sent_at, email.next_attempt_at = Email.Status.SENT, timezone.now(), None
    email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    return email


def due(now: datetime | None = None) -> Iterable[int]:
    now = now or timezone.now()
    waiting = Q(status__in=[Email.Status.QUEUED, Email.Status.FAILED], next_attempt_at__lte=now)
    lost = Q(status=Email.Status.SENDING, next_attempt_at__lte=now - SENDING_TIMEOUT)
    return Email.objects.filter(waiting | lost).order_by("next_attempt_at", "pk").values_list("pk", flat=True)


def deliver_due(now: datetime | None = None) -> list[Email]:
    """Try every email that is due: the queued ones the request could not send, and the refused ones
    whose wait is over. Safe to run on several machines at once."""
    tried = (deliver(pk, now=now) for pk in list(due(now)))
    return [email for email in tried if email is not None]


def try_again_now(email: Email) -> None:
    """Put an email (failed, even given up) back at the front of the queue: the QA lead's "Try again"."""
    Email.objects.filter(pk=email.pk).exclude(status=Email.Status.SENT).update(
        status=Email.Status.QUEUED, next_attempt_at=timezone.now()
    )
