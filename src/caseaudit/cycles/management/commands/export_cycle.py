from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cycles.export import export_cycle_csv, export_cycle_xlsx

from ._lookup import cycle_named


class Command(BaseCommand):
    help = "Export a cycle's sample, allocation and progress (CSV to standard output, or XLSX to a file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='the cycle, e.g. "Autumn 2018"')
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", type=Path)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        with refusals_as_errors():
            policy.require(actor, policy.PLAN_CYCLES)  # as on the cycle's page: the people who follow it
        cycle = cycle_named(options["name"])
        today = timezone.localdate()
        output: Path | None = options["output"]
        if options["format"] == "xlsx":
            if output is None:
                raise CommandError("XLSX is a binary file: give a file to write it to (--output FILE.xlsx).")
            export_cycle_xlsx(cycle, str(output), today=today)
        elif output is None:
            export_cycle_csv(cycle, self.stdout, today=today)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                export_cycle_csv(cycle, stream, today=today)
        record_access(actor, "export", "cycle", cycle.pk, options["format"])
