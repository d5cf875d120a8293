"""`caseaudit cli-reference [--write]`: the command line reference, from the commands' own help."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.serving.cli_reference import readme_path, readme_with_reference, reference


class Command(BaseCommand):
    help = (
        "Print the reference of every caseaudit command, made from their own --help, in Markdown; with "
        "--write, put it in the README between its markers. Example: caseaudit cli-reference --write"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="update the README's reference in place")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"]:
            self.stdout.write(reference())
            return
        path = readme_path()
        if not path.exists():
            raise CommandError(f"No README at {path}: --write works in a checkout of caseaudit.")
        text = path.read_text(encoding="utf-8")
        updated = readme_with_reference(text)
        if updated == text:
            self.stdout.write("The README's command line reference is up to date.")
            return
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"Updated the command line reference in {path}.")
