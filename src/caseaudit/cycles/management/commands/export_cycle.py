from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cycles.export import export_cycle_csv, export_cycle_xlsx
from caseaudit.cycles.models import Cycle
from caseaudit.spreadsheets import ExportRefused, write_private_file

from ._lookup import cycle_named


def _xlsx(cycle: Cycle, name: str, today: date) -> int:
    export_cycle_xlsx(cycle, name, today=today)
    return 0  # the row count write_private_file passes on: nothing here reports it


@contextmanager
def export_refusals_as_errors() -> Iterator[None]:
    try:
        yield
    except ExportRefused as error:
        raise CommandError(f"Cannot write the export: {error}.") from None
    except OSError as error:
        raise CommandError(f"Cannot write the export: {error.strerror}.") from None


class Command(BaseCommand):
    help = (
        "Export a cycle's sample, allocation and progress (CSV to standard output, or XLSX to a file)."
        ' Example: caseaudit export-cycle "Autumn 2026" --format csv --output autumn-2026.csv'
    )

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
        if output is not None:
            # The sample names children: written beside its name, readable by its owner only, even when a
            # file of that name was there before.
            with export_refusals_as_errors():
                write_private_file(
                    output,
                    options["format"],
                    csv_to=lambda stream: export_cycle_csv(cycle, stream, today=today),
                    xlsx_to=lambda name: _xlsx(cycle, name, today),
                )
        elif options["format"] == "xlsx":
            raise CommandError("XLSX is a binary file: give a file to write it to (--output FILE.xlsx).")
        else:
            export_cycle_csv(cycle, self.stdout, today=today)
        record_access(actor, "export", "cycle", cycle.pk, options["format"])
