"""`caseaudit report export`: the audit data for analysts, one row per submitted or moderated audit."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cycles.management.commands._lookup import cycle_named
from caseaudit.readers.command_output import date_option, progress_bars
from caseaudit.reports.audit_export import (
    FORMATS,
    ExportFilter,
    ExportRefused,
    export_audit_data,
    exported_audits,
)

HELP = (
    "The audit data for analysts: one row per submitted or moderated audit with its cohort, dates, cycle, "
    "audit tool, grades (auditor's and moderated), evidence sources and findings. Pseudonymised unless "
    "--identifiable: children appear as a keyed hash of their Child Unique ID, the same in every export, and "
    "no worker or auditor is named. Recorded in the access log."
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="csv or xlsx (default: xlsx if --output ends in .xlsx, else csv)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (required for xlsx)")
    parser.add_argument(
        "--identifiable",
        action="store_true",
        help="add the audit id, Child Unique ID, team, auditor and allocated worker (child-level data: "
        "keep it where the register is kept)",
    )
    parser.add_argument("--cycle", metavar="NAME", help='only the audits of this cycle, e.g. "Autumn 2019"')
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only audits completed on or after this date")
    add_actor_argument(parser)


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    output = options["output"]
    file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
    if file_format == "xlsx" and not output:
        raise CommandError("An XLSX export needs --output FILE.xlsx: a workbook is not for the terminal.")
    since = date_option(options["since"], "--since") if options["since"] else None
    cycle = cycle_named(options["cycle"]) if options["cycle"] else None
    export_filter = ExportFilter(cycle=cycle, since=since)
    bars = progress_bars()
    try:
        with refusals_as_errors():
            count = export_audit_data(
                output or cast(TextIO, command.stdout),
                file_format=file_format,
                identifiable=options["identifiable"],
                export_filter=export_filter,
                acting_user=actor_from(options),
                rows_done=bars("Exporting audits", exported_audits(export_filter).count()) if bars else None,
            )
    except ExportRefused as error:
        raise CommandError(str(error)) from None
    if output:
        kind = "identifiable" if options["identifiable"] else "pseudonymised"
        # On stderr, so that standard output only ever carries the data.
        print(f"Wrote {count:,} audits to {output} ({file_format}, {kind}).", file=sys.stderr)
