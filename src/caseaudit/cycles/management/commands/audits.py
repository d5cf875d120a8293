"""`caseaudit audits`: the audits a person may read, as the API lists them (an auditor's allocations, the
audited team's once submitted, every audit for the QA team)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, person_from, refusals_as_errors
from caseaudit.accounts.list_reads import shown
from caseaudit.audits.listing import audit_row, readable_audits
from caseaudit.audits.models import AuditStatus
from caseaudit.readers.data_output import add_format_argument, write_data

from ._lookup import cycle_named


class Command(BaseCommand):
    help = (
        "The audits the person named with --as may read, newest cycle first: an auditor's own allocations, "
        "a team's audits once submitted, every audit for the QA team; with --status and --cycle, some of "
        "them. Example: caseaudit audits --status in-progress --format csv --as auditor"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=AuditStatus.values, help="one status only")
        parser.add_argument("--cycle", metavar="NAME", help='only those of one cycle, e.g. "Autumn 2026"')
        add_format_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "Audits are read by a person")
        with refusals_as_errors():
            user = policy.person(actor, policy.READ_CHILD_RECORDS)
        cycle = cycle_named(options["cycle"]) if options["cycle"] else None
        audits = readable_audits(user, status=options["status"] or "", cycle_id=cycle.pk if cycle else None)
        rows = [audit_row(audit) for audit in audits]
        record_access(user, "view", "audit-list", "", f"command line: {shown('audits', len(rows))}")

        def text() -> None:
            for row in rows:
                grade = row["moderated_grade"] or row["auditor_grade"] or "-"
                self.stdout.write(
                    f"{row['id']}\t{row['child_id']}\t{row['cycle'] or 'no cycle'}\t{row['status']}\t"
                    f"{row['auditor'] or 'not allocated'}\t{grade}"
                )
            self.stdout.write(f"{len(rows)} audit{'' if len(rows) == 1 else 's'}.")

        write_data(self.stdout, rows, options["format"], text)
