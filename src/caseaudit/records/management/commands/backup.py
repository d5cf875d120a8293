"""`caseaudit backup FILE`: a consistent copy of the whole database, taken while the service runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.private_files import FileRefused
from caseaudit.records.backups import engine, take_backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to FILE, safely while the service runs: SQLite's online "
        "backup, or pg_dump's custom format for PostgreSQL. The file holds every child's record: it is "
        "created readable by its owner only, and the backup is recorded in the access log. Put it back "
        "with `caseaudit restore FILE`."
        " Example: caseaudit backup /var/backups/caseaudit-2026-12-01.sqlite3"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup file to write (replaced if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            held = take_backup(Path(options["file"]))
        except FileRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Backed up the {engine()} database to {options['file']}: {held.describe()}.")
