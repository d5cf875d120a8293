"""`caseaudit clean-uploads`: delete register files uploaded for an import that nobody confirmed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.cases.uploads import MAX_AGE_HOURS, clean_uploads


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise CommandError(f"--older-than {text!r}: give a number of hours, such as 24") from None
    if hours < 0:
        raise CommandError(f"--older-than {text!r}: give a number of hours, 0 or more")
    return hours


class Command(BaseCommand):
    help = (
        "Delete register files uploaded for an import that was not confirmed: they hold children's data. "
        f"Schedule it hourly with cron. Files older than {MAX_AGE_HOURS} hours by default."
        " Example: caseaudit clean-uploads --older-than 24 --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            default=str(MAX_AGE_HOURS),
            metavar="HOURS",
            help=f"delete uploads older than this many hours ({MAX_AGE_HOURS} by default)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list the uploads; delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = _hours(options["older_than"])
        stale = clean_uploads(hours, dry_run=options["dry_run"])
        for upload in stale:
            self.stdout.write(f"{upload.path.name}  {upload.hours_old:.0f} hours old  {upload.size:,} bytes")
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {len(stale)} upload(s) older than {hours:g} hours.")
