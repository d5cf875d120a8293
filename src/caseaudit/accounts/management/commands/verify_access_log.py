"""`caseaudit verify-access-log`: is the chain of the access log, and of the security log, whole?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit.accounts import log_writer
from caseaudit.accounts.log_verify import verify
from caseaudit.accounts.models import AccessLog, ChainedEntry, SecurityEvent

LOGS: list[tuple[str, type[ChainedEntry]]] = [("access log", AccessLog), ("security log", SecurityEvent)]


class Command(BaseCommand):
    help = (
        "Check that no entry of the access log or the security log has been changed, removed or put out "
        "of order since it was written (entries waiting in the spool are added first). Exits 0 when both "
        "chains are whole; otherwise names the first entry that is wrong, and exits 1."
        " Example: caseaudit verify-access-log"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        for name, model in LOGS:
            try:
                log_writer.drain(model)
            except log_writer.LogBusy:
                waiting = log_writer.spool_of(model).count()
                self.stderr.write(f"The {name} is busy: {waiting} entries still wait in its spool.")
            verdict = verify(model)
            if verdict.broken is None:
                entries = "entry" if verdict.count == 1 else "entries"
                self.stdout.write(f"The {name} holds {verdict.count} {entries} and its chain is whole.")
            else:
                problems.append(
                    f"The {name}'s chain is broken at entry id {verdict.broken.id}, which "
                    f"{verdict.broken.problem}."
                )
        if problems:
            raise CommandError("\n".join(problems))
