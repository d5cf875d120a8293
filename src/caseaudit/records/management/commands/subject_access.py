"""`caseaudit subject-access CHILD_ID --output FILE.zip` and `caseaudit subject-access --staff USERNAME
--output FILE.zip`: everything held about one person, for a subject access request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.private_files import FileRefused
from caseaudit.records.subject_access.package import export_child, export_staff


class Command(BaseCommand):
    help = (
        "Export everything caseaudit holds about one child (by Child Unique ID) or one member of staff "
        "(--staff USERNAME), for a subject access request: readable CSV and HTML files in a zip, with a "
        "README saying what each is. The zip is created readable by its owner only, and the export is "
        "recorded in the access log. Only the QA lead (--as) or the command line may run it."
        " Example: caseaudit subject-access N000123 --output n000123.zip --as qa-lead"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child_id", nargs="?", metavar="CHILD_ID", help="the child's Child Unique ID")
        parser.add_argument("--staff", metavar="USERNAME", help="a member of staff, by username, instead")
        parser.add_argument("--output", "-o", metavar="FILE.zip", required=True, help="the zip to write")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        child_id, username = options["child_id"], options["staff"]
        if bool(child_id) == bool(username):
            raise CommandError("Give a child's Child Unique ID, or --staff USERNAME, but not both.")
        output = Path(options["output"])
        try:
            with refusals_as_errors():
                acting_user = actor_from(options)
                if child_id:
                    count = export_child(child_id, output, acting_user=acting_user)
                else:
                    count = export_staff(username, output, acting_user=acting_user)
        except FileRefused as refusal:
            raise CommandError(str(refusal)) from None
        whom = "the child" if child_id else f"the member of staff {username}"
        self.stdout.write(f"Wrote everything held about {whom} ({count} files and a README) to {output}.")
