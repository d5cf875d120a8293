"""`caseaudit record-cycle`: a cycle that ran before caseaudit, with its sampling basis, for past audits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.core.cohorts import COHORT_SLUGS, parse_cohort
from caseaudit.core.comparability import sampling_words
from caseaudit.cycles.actions import record_past_cycle


class Command(BaseCommand):
    help = (
        "Record a past audit cycle and how it was sampled (every open case, a fraction, a size), before "
        "loading its audits with `caseaudit import-audits` (whose cycle column names it). Reports then say "
        "when years were sampled differently."
        ' Example: caseaudit record-cycle "Spring 2024" --season spring --year 2024 --fraction 0.5'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name", help='the cycle\'s name as the history file spells it, e.g. "Autumn 2019"'
        )
        parser.add_argument("--season", choices=("autumn", "spring"), required=True)
        parser.add_argument("--year", type=int, required=True)
        basis = parser.add_mutually_exclusive_group(required=True)
        basis.add_argument("--all-open-cases", action="store_true", help="every open case was audited")
        basis.add_argument("--fraction", type=float, help="the share of open cases audited, e.g. 0.5")
        basis.add_argument("--size", type=int, help="the number of cases audited")
        parser.add_argument(
            "--focus", default="", help=f"the focus cohort, if any: {', '.join(COHORT_SLUGS)}"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        focus = ""
        if options["focus"]:
            focus = parse_cohort(options["focus"]) or ""
            if not focus:
                raise CommandError(
                    f"{options['focus']!r} is not a cohort. Cohorts: {', '.join(COHORT_SLUGS)}."
                )
        fraction = 1.0 if options["all_open_cases"] else options["fraction"]
        with refusals_as_errors():
            cycle = record_past_cycle(
                name=options["name"].strip(),
                season=options["season"],
                year=options["year"],
                fraction=fraction,
                size=options["size"],
                focus=focus,
                acting_user=actor_from(options),
            )
        basis = sampling_words(fraction=cycle.fraction, size=cycle.size)
        self.stdout.write(
            f"Recorded {cycle.name} ({cycle.starts_on:%-d %B} to {cycle.ends_on:%-d %B %Y}): {basis}."
        )
