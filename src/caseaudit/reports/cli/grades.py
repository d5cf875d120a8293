"""`caseaudit report grades`: the committee's table of grades by year or cycle and cohort."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit.core.audit_types import AUDIT_TYPES, CASE_FILE
from caseaudit.core.cohorts import COHORT_SLUGS, parse_cohort
from caseaudit.readers.data_output import write_output_file
from caseaudit.reports.grade_formats import (
    FORMATS,
    grade_text,
    write_grade_csv,
    write_grade_json,
    write_grade_xlsx,
)
from caseaudit.reports.grades import BY_CHOICES, GRADE_SOURCES, grade_table

HELP = (
    "The table of audits by period and cohort: counts and percentages per grade (equal counts at equal "
    "percentages, so a row may sum to 99 or 101), with caveats where periods were sampled or graded "
    "differently and where samples are small."
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--cohort", help=f"one cohort: {', '.join(COHORT_SLUGS)} (default: every cohort)")
    parser.add_argument(
        "--type",
        choices=AUDIT_TYPES,
        default=CASE_FILE,
        dest="audit_type",
        help="the kind of audit: case-file (default), thematic, practice-observation, management-oversight "
        "or multi-agency",
    )
    parser.add_argument("--by", choices=BY_CHOICES, default="year", help="period: year (default) or cycle")
    parser.add_argument(
        "--grade-source",
        choices=GRADE_SOURCES,
        default="moderated",
        help="moderated (default) or auditor grades",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text, csv, json or xlsx (default: xlsx if --output ends in .xlsx, csv or json as its ending "
        "says, else text)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (required for xlsx)")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    cohort = None
    if options["cohort"]:
        cohort = parse_cohort(options["cohort"])
        if cohort is None:
            raise CommandError(f"{options['cohort']!r} is not a cohort. Cohorts: {', '.join(COHORT_SLUGS)}.")
    table = grade_table(
        by=options["by"],
        grade_source=options["grade_source"],
        cohort=cohort,
        audit_type=options["audit_type"],
    )
    output = options["output"]
    file_format = options["format"] or _format_of(output)
    if file_format == "xlsx":
        if not output:
            raise CommandError("An XLSX table needs --output FILE.xlsx: a workbook is not for the terminal.")
        write_output_file(output, lambda binary: write_grade_xlsx(table, binary), binary=True)
    elif output:
        write_output_file(output, lambda stream: _write(table, file_format, stream))
    else:
        _write(table, file_format, command.stdout)
    if output:
        print(f"Wrote the table of {table.total:,} audits to {output} ({file_format}).", file=sys.stderr)


def _format_of(output: str | None) -> str:
    """The format a file's name asks for: a table saved as grades.xlsx is a workbook, not text."""
    ending = (output or "").rsplit(".", 1)[-1].lower()
    return ending if output and ending in FORMATS else "text"


def _write(table: Any, file_format: str, stream: Any) -> None:
    if file_format == "csv":
        write_grade_csv(table, stream)
    elif file_format == "json":
        write_grade_json(table, stream)
    else:
        stream.write(grade_text(table))
