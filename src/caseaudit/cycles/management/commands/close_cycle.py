from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cycles.actions import close_cycle

from ._lookup import cycle_named


class Command(BaseCommand):
    help = (
        "Close an audit cycle when its window is over. Before then, only the QA lead (--as) may close it, "
        "with --reason."
        ' Example: caseaudit close-cycle "Autumn 2026" --as qa-lead'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='the cycle, e.g. "Autumn 2018"')
        parser.add_argument("--reason", default="", help="why the cycle closes before its window ends")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_named(options["name"])
        with refusals_as_errors():
            close_cycle(cycle, reason=options["reason"], acting_user=actor_from(options))
        self.stdout.write(f"{cycle.name} is closed.")
