from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.cycles.actions import close_cycle

from ._lookup import cycle_named


class Command(BaseCommand):
    help = "Close an audit cycle when its window is over."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='the cycle, e.g. "Autumn 2018"')

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_named(options["name"])
        try:
            close_cycle(cycle, acting_user=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{cycle.name} is closed.")
