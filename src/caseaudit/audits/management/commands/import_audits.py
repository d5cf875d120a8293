from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.audits.actions.history import import_audit_history
from caseaudit.audits.history_import.check import check_audit_history
from caseaudit.audits.history_import.result import COUNT_NAMES, AuditHistoryResult, RowsRefused
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.readers.command_output import fail_if_invalid, print_problems, progress_bars
from caseaudit.readers.table import ImportRefused


class Command(BaseCommand):
    help = (
        "Load past audit results from a spreadsheet (CSV, or the first sheet of an .xlsx workbook) as "
        "completed audits. Columns: child_id, cohort, audit_date, auditor_grade, and optionally "
        "moderated_grade, auditor, cycle. All or nothing unless --skip-invalid."
        " Example: caseaudit import-audits past-audits.csv --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows, list the rest")
        parser.add_argument("--dry-run", action="store_true", help="check the file and say what would change")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = actor_from(options)
        try:
            with refusals_as_errors():
                if options["dry_run"]:
                    result = check_audit_history(path, acting_user=actor)
                else:
                    result = import_audit_history(
                        path,
                        acting_user=actor,
                        skip_invalid=options["skip_invalid"],
                        progress=progress_bars(),
                    )
        except RowsRefused as refused:
            result = refused.result  # listed below, with what a valid file would have changed
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self._report(result)
        fail_if_invalid(result.error_count, result.file_name, skip_invalid=options["skip_invalid"])

    def _report(self, result: AuditHistoryResult) -> None:
        write = self.stdout.write
        print_problems(self, result.warnings, result.errors, result.error_count)
        if result.dry_run:
            write("Dry run: nothing was written. The import would make these changes:")
        elif result.written:
            write(f"Imported {result.file_name}:")
        else:
            write(f"Not imported: {result.file_name} has errors. Had it been valid:")
        widths = [8, 20, *[11] * len(COUNT_NAMES)]
        write("".join(h.ljust(w) for h, w in zip(["year", "cohort", *COUNT_NAMES], widths, strict=True)))
        for year, cohort, counts in [*result.rows, (None, "total", result.totals)]:
            cells = [
                "" if cohort == "total" else str(year or "unknown"),
                COHORT_LABELS.get(cohort, cohort.capitalize()),
                *(str(getattr(counts, n)) for n in COUNT_NAMES),
            ]
            write("".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        verb = "would be created" if result.dry_run or not result.written else "created"
        write(f"Closed historical cases {verb} for children not in the register: {result.cases_created}")
        write(f"Warnings: {len(result.warnings)}. Errors: {result.error_count:,}.")
