from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q

from caseaudit.audits.models import AuditStatus
from caseaudit.cycles.models import Cycle
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "List the audit cycles, newest first, with their size and progress."
        " Example: caseaudit cycles --format csv"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_format_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        cycles = Cycle.objects.annotate(
            audits_total=Count("audits"),
            done=Count("audits", filter=Q(audits__status__in=[AuditStatus.SUBMITTED, AuditStatus.MODERATED])),
            unallocated=Count("audits", filter=Q(audits__auditor__isnull=True)),
        )
        rows = [
            {
                "cycle": c.name,
                "kind": c.audit_type,
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
                "status": c.status,
                "cases": c.audits_total,
                "done": c.done,
                "unallocated": c.unallocated,
            }
            for c in cycles
        ]

        def text() -> None:
            if not rows:
                self.stdout.write(
                    "No cycles yet. Plan one with: caseaudit plan-cycle --season autumn --year YYYY"
                )
                return
            self.stdout.write(
                f"{'cycle':<20}{'window':<28}{'status':<13}{'cases':>7}{'done':>7}{'unallocated':>13}"
            )
            for c in cycles:
                window = f"{c.starts_on:%-d %b %Y} to {c.ends_on:%-d %b %Y}"
                self.stdout.write(
                    f"{c.name:<20}{window:<28}{c.get_status_display():<13}{c.audits_total:>7}{c.done:>7}"
                    f"{c.unallocated:>13}"
                )

        write_data(self.stdout, rows, options["format"], text)
