"""`caseaudit report grades|paper|export|benchmark|compare`: the committee's tables, the committee paper,
the audit data for analysts, regional benchmarking. Each subcommand lives in its own module under
caseaudit.reports.cli."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caseaudit.reports.cli import SUBCOMMANDS


class Command(BaseCommand):
    help = (
        "Reports: the table of grades, themes over time, the committee paper, the audit data for analysts, "
        "and the counts for regional benchmarking (write ours, compare others' with ours)."
        " Example: caseaudit report grades --by cycle --format csv"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="report", required=True, metavar="{" + ",".join(SUBCOMMANDS) + "}"
        )
        for name, subcommand in SUBCOMMANDS.items():
            subparser = subparsers.add_parser(name, help=subcommand.HELP, description=subcommand.HELP)
            subcommand.add_arguments(subparser)

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["report"]].run(self, options)
