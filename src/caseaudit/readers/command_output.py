"""What the import commands (`import-cases`, `import-audits`) print about a file's problems, said the same
way by both; and the progress bars of the commands that work through many rows."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from caseaudit.core.dates import parse_date

from .row_errors import shown_of
from .table import RowError


def print_problems(
    command: BaseCommand, warnings: Sequence[str], errors: Sequence[RowError], total: int
) -> None:
    """Warnings, then the row errors kept (the first thousand of `total`), on standard error."""
    for warning in warnings:
        command.stderr.write(command.style.WARNING(f"warning: {warning}"))
    for error in errors:
        command.stderr.write(f"error: {error}")
    if total > len(errors):
        command.stderr.write(f"{shown_of(len(errors), total)}.")


def fail_if_invalid(total: int, file_name: str, *, skip_invalid: bool) -> None:
    """All or nothing: any bad row, and the command exits non-zero, having written nothing."""
    if total and not skip_invalid:
        raise CommandError(
            f"{total:,} problem(s) in {file_name}: nothing was imported. "
            "Correct the rows above, or use --skip-invalid to import the valid rows only."
        )


def date_option(text: str, option: str) -> date:
    """A date given on the command line (ISO or dd/mm/yyyy), or the user's one-line error naming the
    option: "--due '31/02/2027': no such day in the calendar"."""
    try:
        return parse_date(text)
    except ValueError as reason:
        raise CommandError(f"{option} {text!r}: {reason}") from None


Progress = Callable[[int], None]  # told how many more rows are done
ProgressBars = Callable[[str, int], Progress]  # a bar for some work, by its description and total rows


def progress_bars() -> ProgressBars | None:
    """Bars on standard error for long work, while a person watches: `bars(description, total)` gives the
    function to call with each step's row count. None where nobody watches (a pipe, cron, a log file),
    which a bar would only fill with control characters."""
    if not sys.stderr.isatty():
        return None

    def bar(description: str, total: int) -> Progress:
        return tqdm(total=total, desc=description, unit=" rows", file=sys.stderr, leave=False).update

    return bar
