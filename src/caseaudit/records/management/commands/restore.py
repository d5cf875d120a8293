"""`caseaudit restore FILE`: put a backup made by `caseaudit backup` back, replacing the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.private_files import FileRefused
from caseaudit.records.backups import restore_backup


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup written by `caseaudit backup`. The file is checked "
        "first (a backup of this kind of database, whole and readable); a database that already holds "
        "records is replaced only with --force. Stop the service first, and run `caseaudit migrate` after."
        " Example: caseaudit restore /var/backups/caseaudit-2026-12-01.sqlite3"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a backup written by `caseaudit backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the database even though it holds records"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            replaced = restore_backup(Path(options["file"]), force=options["force"])
        except FileRefused as refusal:
            raise CommandError(str(refusal)) from None
        what = "a database with no records"
        if replaced.in_use:
            what = f"a database holding {replaced.describe()}"
        self.stdout.write(f"Restored {options['file']}. It replaced {what}. Now run `caseaudit migrate`.")
