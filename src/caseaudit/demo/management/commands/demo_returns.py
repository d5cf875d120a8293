"""`caseaudit demo-returns FOLDER`: synthetic statutory returns written from the demo's register, to try
`import-returns` (or the returns page) with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.demo.returns import NotTheDemo, write_demo_returns


class Command(BaseCommand):
    help = (
        "Write an SSDA903 return (folder/ssda903/*.csv) and a Children in Need census (folder/cin.xml) from "
        "the open cases of the register: synthetic children only, to try importing the returns with."
        " Example: caseaudit demo-returns /tmp/returns"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ssda903, census = write_demo_returns(options["folder"])
        except NotTheDemo as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Wrote {ssda903}/ (Header, Episodes, Reviews, OC3) and {census}.")
        self.stdout.write(f"Try: caseaudit import-returns --ssda903 {ssda903} --dry-run")
