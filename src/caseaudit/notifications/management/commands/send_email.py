"""`caseaudit send-email`: hand the mail server every email that is due: those a request could not send,
and those it refused whose wait is over. Run it every few minutes (docs/operations.md#email)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caseaudit.notifications.models import Email
from caseaudit.notifications.outbox import deliver_due


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the outbox, and try again those the mail server refused."
        " Example: caseaudit send-email"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        tried = deliver_due()
        sent = [email for email in tried if email.status == Email.Status.SENT]
        failed = [email for email in tried if email.status != Email.Status.SENT]
        for email in failed:
            self.stderr.write(f"Not sent to {email.to}: {email.describe()}.")
        waiting = Email.objects.filter(status__in=[Email.Status.QUEUED, Email.Status.FAILED]).exclude(
            next_attempt_at=None
        )
        self.stdout.write(
            f"{len(sent)} sent, {len(failed)} not sent; {waiting.count()} waiting to be tried again."
        )
        if failed:
            raise SystemExit(1)
