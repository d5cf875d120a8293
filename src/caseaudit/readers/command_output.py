"""What the import commands (`import-cases`, `import-audits`) print about a file's problems, said the same
way by both."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.base import BaseCommand, CommandError

from .table import RowError

MAX_ERRORS_SHOWN = 1000


def print_problems(command: BaseCommand, warnings: Sequence[str], errors: Sequence[RowError]) -> None:
    """Warnings, then every row error (up to a thousand), on standard error."""
    for warning in warnings:
        command.stderr.write(command.style.WARNING(f"warning: {warning}"))
    for error in errors[:MAX_ERRORS_SHOWN]:
        command.stderr.write(f"error: {error}")
    if len(errors) > MAX_ERRORS_SHOWN:
        command.stderr.write(f"... and {len(errors) - MAX_ERRORS_SHOWN} more errors")


def fail_if_invalid(errors: Sequence[RowError], file_name: str, *, skip_invalid: bool) -> None:
    """All or nothing: any bad row, and the command exits non-zero, having written nothing."""
    if errors and not skip_invalid:
        raise CommandError(
            f"{len(errors)} problem(s) in {file_name}: nothing was imported. "
            "Correct the rows above, or use --skip-invalid to import the valid rows only."
        )
