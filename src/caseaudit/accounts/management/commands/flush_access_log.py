"""`caseaudit flush-access-log`: add the entries waiting in the spool to the access log and the security
log now, rather than at the next entry written."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit.accounts import log_writer
from caseaudit.accounts.models import AccessLog, SecurityEvent


class Command(BaseCommand):
    help = (
        "Add the entries that wait in the log spool (written while the database was busy) to the access "
        "log and the security log, in the order they happened."
        " Example: caseaudit flush-access-log"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            access = log_writer.drain(AccessLog)
            security = log_writer.drain(SecurityEvent)
        except log_writer.LogBusy:
            raise CommandError("The database is busy (an import?): try again in a minute.") from None
        self.stdout.write(
            f"Added {access} waiting entries to the access log and {security} to the security log."
        )
