"""`caseaudit report themes`: how often each theme was found, as a strength and as an issue, year by year,
as the themes page shows it. Counts only: no child, no worker, no text of a finding."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from caseaudit.core.audit_types import AUDIT_TYPES
from caseaudit.readers.data_output import add_format_argument, write_data
from caseaudit.reports.themes_over_time import ThemeRow, themes_over_time

HELP = (
    "Themes over time: how often each theme was found in the audits completed, as a strength and as a "
    "practice or process issue, year by year, most found first, with how many audits the counts are out "
    "of. Counts only. Example: caseaudit report themes --type case-file --format csv"
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--type", dest="audit_type", choices=AUDIT_TYPES, help="one kind of audit (default every kind)"
    )
    add_format_argument(parser)  # type: ignore[arg-type]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    found = themes_over_time(audit_type=options["audit_type"] or "")
    rows = [
        {
            "kind": kind,
            "theme": row.theme,
            **{str(year): n for year, n in zip(found.years, row.counts, strict=True)},
        }
        for kind, theme_rows in (("strength", found.strengths), ("issue", found.issues))
        for row in theme_rows
    ]

    def text() -> None:
        if not found.years:
            command.stdout.write("No findings yet in completed audits.")
            return
        header = "".join(f"{year:>8}" for year in found.years)
        command.stdout.write(f"{'':<40}{header}")
        command.stdout.write(f"{'Audits with findings':<40}" + "".join(f"{n:>8}" for n in found.audits))
        for title, theme_rows in (("Strengths", found.strengths), ("Issues", found.issues)):
            command.stdout.write("")
            command.stdout.write(title)
            for row in theme_rows:
                command.stdout.write(_line(row))

    write_data(command.stdout, rows, options["format"], text)


def _line(row: ThemeRow) -> str:
    return f"  {row.theme[:37]:<38}" + "".join(f"{n:>8}" for n in row.counts)
