"""`caseaudit compliance`: compliance with timescales for the open cases of the whole register."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TextIO, cast

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.compliance.display import (
    RESULT_COLUMNS,
    result_records,
    rules_description,
    summary_line,
)
from caseaudit.compliance.queries import (
    filter_results,
    register_results,
    results_visible_to,
    timescale_rules,
)
from caseaudit.core.cohorts import COHORT_SLUGS, parse_cohort
from caseaudit.core.timescales import RuleSet, TimescaleRulesError, summarise
from caseaudit.policy import Actor
from caseaudit.readers.command_output import date_option
from caseaudit.readers.data_output import write_output_file
from caseaudit.spreadsheets import write_csv

FORMATS = ("text", "csv", "json")


class Command(BaseCommand):
    help = (
        "Compliance with timescales for the open cases of the register: per check and cohort, how many "
        "cases are compliant, overdue, due soon or missing the date the check needs (text), or one row per "
        "case and check (csv: child_id,cohort,check,due_date,status,days_overdue,days_late; json: the "
        "summary and the rows). CSV and JSON hold child-level data: they are recorded in the access log. "
        "With --as, that person's scope applies, as on the compliance pages."
        " Example: caseaudit compliance --as-of 2026-12-01 --cohort looked-after --format csv"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="the date to check against (default: today)"
        )
        parser.add_argument("--cohort", help="only this cohort, e.g. care-leaver")
        parser.add_argument("--check", metavar="NAME", help="only this check, e.g. pathway-plan-review")
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rules = timescale_rules()
        except TimescaleRulesError as error:
            raise CommandError(f"The timescale rules cannot be used:\n{error}") from None
        as_of = _as_of(options["as_of"])
        cohort = _cohort(options["cohort"])
        check = _check(options["check"], rules)
        fmt = options["format"]
        actor = actor_from(options)
        with refusals_as_errors():
            checked = _results_for(actor, as_of, rules, child_level=fmt != "text")
        results = filter_results(checked, cohort=cohort, checks=[check] if check else ())
        output = options["output"]

        def write(stream: TextIO) -> None:
            if fmt == "csv":
                write_csv(stream, RESULT_COLUMNS, results.select(RESULT_COLUMNS).iter_rows())
            elif fmt == "json":
                _write_json(stream, results, rules, as_of)
            else:
                _write_text(stream, results, rules, as_of)

        if output:
            write_output_file(output, write)
            self.stderr.write(f"Wrote {len(results):,} results to {output} ({fmt}).")
        else:
            write(cast(TextIO, self.stdout))
        if fmt != "text":
            detail = ", ".join(
                filter(None, [f"{len(results)} results", fmt, f"as of {as_of}", cohort, check])
            )
            record_access(actor, "export", "compliance", detail=detail)


def _results_for(actor: Actor, as_of: date, rules: RuleSet, *, child_level: bool) -> pl.DataFrame:
    """The command line reads the whole register. A person named with `--as` reads what the compliance
    pages show them: the cases in their scope, or, for those who see counts only, the counts of the whole
    register and no row of a child."""
    if not isinstance(actor, User):
        return register_results(as_of, rules)
    policy.require(actor, policy.READ_COMPLIANCE)
    if child_level:
        policy.require(
            actor,
            policy.READ_CHILD_RECORDS,
            message="CSV and JSON list children's cases: use --format text for the counts.",
        )
    if policy.can(actor, policy.READ_CHILD_RECORDS):
        return results_visible_to(actor, as_of, rules)
    return register_results(as_of, rules)


def _as_of(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    return date_option(text, "--as-of")


def _cohort(text: str | None) -> str:
    if not text:
        return ""
    cohort = parse_cohort(text)
    if cohort is None:
        raise CommandError(f"Not a cohort: {text!r}. Use one of {', '.join(COHORT_SLUGS)}.")
    return cohort


def _check(text: str | None, rules: RuleSet) -> str:
    """A check named by its slug or its label, in any case."""
    if not text:
        return ""
    wanted = text.strip().lower()
    for rule in rules.rules:
        if wanted in (rule.slug, rule.label.lower()):
            return rule.slug
    raise CommandError(f"Not a check: {text!r}. Use one of {', '.join(r.slug for r in rules.rules)}.")


def _write_text(stream: TextIO, results: pl.DataFrame, rules: RuleSet, as_of: date) -> None:
    """Counts only: nothing here names a child."""
    version = f"{rules.name}, version {rules.version}"
    if rules.local_name:
        version += f"; local rules: {rules.local_name}, version {rules.local_version}"
    cases = results["child_id"].n_unique() if len(results) else 0
    stream.write(f"Compliance with timescales as of {as_of.day} {as_of:%B %Y} ({version}).\n")
    stream.write(f"{cases:,} open case{'' if cases == 1 else 's'} checked.\n")
    summary = summarise(results)
    if summary.is_empty():
        stream.write("No open cases to check.\n")
    for row in summary.iter_rows(named=True):
        stream.write(summary_line(row, rules) + "\n")


def _write_json(stream: TextIO, results: pl.DataFrame, rules: RuleSet, as_of: date) -> None:
    document = {
        "as_of": as_of.isoformat(),
        "rules": rules_description(rules),
        "summary": summarise(results).to_dicts(),
        "results": result_records(results),
    }
    stream.write(json.dumps(document, indent=2) + "\n")
