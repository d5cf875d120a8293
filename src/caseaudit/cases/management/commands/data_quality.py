"""`caseaudit data-quality`: the register's implausible data, as the data quality page lists it, for the
QA lead to put right in the case management system before the next import."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cases.quality import register_problems
from caseaudit.core import data_quality
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "The register's implausible data (looked after before birth, closed before opening, dates in the "
        "future, ...): each problem with what to check and the cases that have it, by Child Unique ID, as "
        "the data quality page lists them. Example: caseaudit data-quality --format csv --as qa-lead"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_format_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        with refusals_as_errors():
            policy.require(actor, policy.IMPORT_REGISTER)
        found = register_problems(timezone.localdate())
        rows = found.select("child_id", "cohort", "problem").to_dicts()
        # The cases are named by Child Unique ID: a read of children's records.
        record_access(actor, "export", "data-quality", detail=f"{len(rows)} problems, {options['format']}")

        def text() -> None:
            summary = data_quality.describe(found)
            self.stdout.write(summary or "No implausible data in the register.")
            for problem, count in data_quality.counts(found):
                self.stdout.write("")
                self.stdout.write(f"{problem.label} ({count}): {problem.explanation}")
                cases = found.filter(pl.col("problem") == problem.slug)["child_id"].to_list()
                self.stdout.write("  " + ", ".join(cases))

        write_data(self.stdout, rows, options["format"], text)
