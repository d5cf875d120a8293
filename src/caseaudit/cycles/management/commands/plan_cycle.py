from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cases.models import Case
from caseaudit.core.audit_types import AUDIT_TYPES, CASE_FILE
from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS, parse_cohort
from caseaudit.cycles.actions import plan_cycle
from caseaudit.cycles.planning import Proposal, Scope, propose_cycle, sample_counts


class Command(BaseCommand):
    help = (
        "Plan an audit cycle: about half of the open cases, the focus cohort first, a few of every other "
        "cohort, none audited in the last 12 months, each with the reason it was picked. Prints the sample."
        " Example: caseaudit plan-cycle --season autumn --year 2027 --focus care-leaver --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--season", choices=["autumn", "spring"], required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--focus", help="the cohort to take first, e.g. care-leaver")
        parser.add_argument(
            "--focus-reason",
            default="",
            help="why the focus cohort was chosen, for the committee paper (needed with --focus)",
        )
        parser.add_argument(
            "--type",
            dest="audit_type",
            choices=AUDIT_TYPES,
            default=CASE_FILE,
            help="the kind of audit (default case-file); another kind samples the open cases in its scope",
        )
        parser.add_argument("--theme", default="", help="what a thematic audit looks at: 'pathway plans'")
        parser.add_argument("--scope-cohort", default="", help="another kind of audit: only this cohort")
        size = parser.add_mutually_exclusive_group()
        size.add_argument("--fraction", type=float, help="share of open cases, default 0.5 (rounded up)")
        size.add_argument("--size", type=int, help="number of cases")
        size.add_argument("--every-case", action="store_true", help="every open case in scope")
        parser.add_argument(
            "--seed", type=int, help="random seed (stored; the same seed gives the same sample)"
        )
        stage = parser.add_mutually_exclusive_group()
        stage.add_argument(
            "--dry-run", action="store_true", help="show the sample without creating the cycle"
        )
        stage.add_argument(
            "--draft",
            action="store_true",
            help="store it as a draft to review: swap cases (`caseaudit cycle swap`), then `caseaudit cycle "
            "confirm` (default: confirmed at once)",
        )
        parser.add_argument("--format", choices=["text", "csv", "json"], default="text")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        focus, scope_cohort = _cohort(options["focus"]), _cohort(options["scope_cohort"])
        if focus and not options["focus_reason"].strip() and not options["dry_run"]:
            raise CommandError("Say why this cohort is the focus, with --focus-reason.")
        if options["audit_type"] == CASE_FILE and scope_cohort:
            raise CommandError("A case file audit samples every cohort: --scope-cohort is for other kinds.")
        actor = actor_from(options)
        with refusals_as_errors():
            policy.require(actor, policy.PLAN_CYCLES)  # a dry run, too, lists children's cases
            proposal = propose_cycle(
                season=options["season"],
                year=options["year"],
                focus=focus,
                fraction=options["fraction"],
                size=options["size"],
                seed=options["seed"],
                audit_type=options["audit_type"],
                every_case=options["every_case"],
                scope=Scope(theme=options["theme"], cohort=scope_cohort),
            )
            cycle = None
            if not options["dry_run"]:
                cycle = plan_cycle(
                    proposal,
                    acting_user=actor,
                    fraction=options["fraction"],
                    size=options["size"],
                    confirm=not options["draft"],
                    focus_reason=options["focus_reason"],
                )
        self._print(proposal, options["format"], created=cycle is not None, draft=options["draft"])
        # The sample is printed by Child Unique ID: a read of children's records, a dry run's too.
        dry_run = "" if cycle is not None else ", dry run"
        detail = f"{proposal.name}: sample of {len(proposal.picks)} cases, {options['format']}{dry_run}"
        record_access(actor, "export", "cycle", cycle.pk if cycle is not None else "", detail)

    def _print(self, proposal: Proposal, fmt: str, *, created: bool, draft: bool) -> None:
        child_ids = dict(
            Case.objects.filter(pk__in=[p.case_id for p in proposal.picks]).values_list("pk", "child_id")
        )
        rows = sorted((child_ids[p.case_id], p.cohort, p.reason) for p in proposal.picks)
        if fmt == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["child_id", "cohort", "reason"])
            writer.writerows(rows)
            return
        if fmt == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "cycle": proposal.name,
                        "created": created,
                        "starts_on": proposal.starts_on.isoformat(),
                        "ends_on": proposal.ends_on.isoformat(),
                        "seed": proposal.seed,
                        "open_cases": proposal.open_cases,
                        "eligible": proposal.eligible,
                        "sample": [{"child_id": c, "cohort": h, "reason": r} for c, h, r in rows],
                    },
                    indent=2,
                )
            )
            return
        verb = ("Planned as a draft" if draft else "Planned") if created else "Dry run, nothing stored:"
        focus = f", focus {COHORT_LABELS[proposal.focus].lower()}" if proposal.focus else ""
        self.stdout.write(
            f"{verb} {proposal.name} ({proposal.starts_on:%-d %b %Y} to {proposal.ends_on:%-d %b %Y}{focus}, "
            f"seed {proposal.seed}): {len(rows)} of {proposal.open_cases} open cases "
            f"({proposal.eligible} eligible)."
        )
        for label, count in sample_counts(proposal.picks):
            self.stdout.write(f"  {label:<20}{count}")
        self.stdout.write("")
        self.stdout.write(f"{'child_id':<16}{'cohort':<18}reason")
        for child_id, cohort, reason in rows:
            self.stdout.write(f"{child_id:<16}{cohort:<18}{reason}")


def _cohort(given: str | None) -> str:
    """The cohort an option names ("care leavers" is care-leaver), "" for none; refused if it is none."""
    if not given:
        return ""
    cohort = parse_cohort(given)
    if cohort is None:
        raise CommandError(f"Not a cohort: {given!r}. Use one of {', '.join(COHORT_SLUGS)}.")
    return cohort
