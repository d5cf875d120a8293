from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cases.actions import import_case_register
from caseaudit.cases.importing.check import check_case_register
from caseaudit.cases.importing.result import COUNT_NAMES, ClosingRefused, ImportResult, RowsRefused
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.readers.command_output import fail_if_invalid, print_problems, progress_bars
from caseaudit.readers.table import ImportRefused


def add_extracted_on_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--extracted-on", type=_day, metavar="YYYY-MM-DD",
        help="the day the file was extracted from the case management system, which the case page names "
        "beside each date it brings (without it, the page gives the day of the import)",
    )  # fmt: skip


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Import the case register from caseaudit's CSV layout or an Ofsted Annex A workbook (.xlsx). "
        "All or nothing unless --skip-invalid; a full import closes open cases the file does not list, "
        "but not cases in a live cycle's sample or more than a tenth of the register without --allow-close."
        " Example: caseaudit import-cases annex-a.xlsx --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows, list the rest")
        parser.add_argument("--dry-run", action="store_true", help="check the file and say what would change")
        parser.add_argument(
            "--partial", action="store_true", help="only add and update: close nothing missing from the file"
        )
        parser.add_argument(
            "--allow-close",
            action="store_true",
            help="let a full import close cases in a planned or in-progress cycle's sample, or more than "
            "a tenth of the open register (refused otherwise, writing nothing)",
        )
        add_extracted_on_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = actor_from(options)
        try:
            with refusals_as_errors():
                if options["dry_run"]:
                    result = check_case_register(path, acting_user=actor, partial=options["partial"])
                else:
                    result = import_case_register(
                        path,
                        acting_user=actor,
                        skip_invalid=options["skip_invalid"],
                        partial=options["partial"],
                        progress=progress_bars(),
                        allow_close=options["allow_close"],
                        extracted_on=options["extracted_on"],
                    )
        except RowsRefused as refused:
            result = refused.result  # listed below, with what a valid file would have changed
        except ClosingRefused as refused:
            # A truncated extract must not close the register unattended: name the cases, write nothing.
            self._list_closing(refused.result)
            raise CommandError(f"{refused} Use --allow-close to close them.") from None
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self._report(result)
        if result.dry_run:
            self._list_closing(result)
        fail_if_invalid(result.error_count, result.file_name, skip_invalid=options["skip_invalid"])

    def _report(self, result: ImportResult) -> None:
        write = self.stdout.write
        print_problems(self, result.warnings, result.errors, result.error_count)
        if result.dry_run:
            heading = "Dry run: nothing was written. The import would make these changes:"
        elif result.written:
            heading = f"Imported {result.file_name} (import batch {result.batch_id}):"
        else:
            heading = f"Not imported: {result.file_name} has errors. Had it been valid:"
        write(heading)
        widths = [20, *[10] * len(COUNT_NAMES)]
        write("".join(h.ljust(w) for h, w in zip(["cohort", *COUNT_NAMES], widths, strict=True)))
        for cohort, counts in [*result.cohort_rows, ("total", result.totals)]:
            label = COHORT_LABELS.get(cohort, cohort.capitalize())
            values = [str(getattr(counts, n)) for n in COUNT_NAMES]
            write("".join(v.ljust(w) for v, w in zip([label, *values], widths, strict=True)))

    def _list_closing(self, result: ImportResult) -> None:
        """The cases a full import closes, by Child Unique ID, those in a live cycle's sample marked."""
        if not result.closing:
            return
        self.stdout.write(f"Cases the import closes ({len(result.closing)} of {result.open_before} open):")
        for case in result.closing:
            mark = "  (in a planned or in-progress cycle's sample)" if case.in_live_sample else ""
            self.stdout.write(f"  {case.child_id}{mark}")
