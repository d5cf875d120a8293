"""`caseaudit export-cases`: the case register as caseaudit CSV (to standard output or a file) or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cases.export import FORMATS, ExportRefused, export_case_register
from caseaudit.readers.command_output import progress_bars


class Command(BaseCommand):
    help = (
        "Export the case register. CSV (the default) is caseaudit's own layout, which `caseaudit "
        "import-cases` reads back unchanged; text a spreadsheet would run as a formula is prefixed with a "
        "quote. XLSX is for people to read: every cell is text (ISO dates), and import-cases does not read "
        "it back (it reads caseaudit CSV and Annex A workbooks). The export holds child-level data: it is "
        "recorded in the access log, and files are created readable by their owner only."
        " Example: caseaudit export-cases --format xlsx --output register.xlsx"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="csv or xlsx (default: xlsx if --output ends in .xlsx, else csv)",
        )
        parser.add_argument("--open-only", action="store_true", help="leave out closed cases")
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="write to FILE instead of standard output (CSV only)"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        try:
            with refusals_as_errors():
                count = export_case_register(
                    Path(output) if output else cast(TextIO, self.stdout),
                    file_format=file_format,
                    open_only=options["open_only"],
                    acting_user=actor_from(options),
                    progress=progress_bars(),
                )
        except ExportRefused as error:
            raise CommandError(str(error)) from None
        if output:
            what = "open cases" if options["open_only"] else "cases"
            # On stderr, so that standard output only ever carries the register.
            self.stderr.write(f"Wrote {count:,} {what} to {output} ({file_format}).")
