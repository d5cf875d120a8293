"""What the import commands (`import-cases`, `import-audits`) print about a file's problems, said the same
way by both."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.base import BaseCommand, CommandError

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
