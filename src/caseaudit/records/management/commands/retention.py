"""`caseaudit retention [--dry-run] [--yes]`: dispose of closed cases past their retention period, under the
schedule the authority confirmed (docs/operations.md#retention-and-disposal)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.readers.data_output import FORMATS, write_data
from caseaudit.records.actions import UNCONFIRMED, dispose_of_due_cases
from caseaudit.records.retention.disposal import closed_cases
from caseaudit.records.retention.due import Review, Verdict, review
from caseaudit.records.retention.schedule import Schedule, ScheduleError, load_schedule


class Command(BaseCommand):
    help = (
        "Dispose of closed cases past their retention period, with their audits, actions, concerns, "
        "follow-ups, feedback and notifications, under the schedule in CASEAUDIT_RETENTION_FILE. Each "
        "disposal leaves a record (ids and dates, no content) and the counts past reports need. With "
        "--dry-run, list what would be disposed of and change nothing. Only the QA lead (--as) or the "
        "command line may run it, and a real run needs a schedule the authority has confirmed."
        " Example: caseaudit retention --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be disposed of; delete nothing"
        )
        parser.add_argument("--yes", action="store_true", help="dispose of them without asking to confirm")
        parser.add_argument(
            "--format", choices=FORMATS, default="text",
            help="with --dry-run: text (default), or every closed case's verdict as csv or json",
        )  # fmt: skip
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        if options["format"] != "text" and not dry_run:
            raise CommandError("A list for a spreadsheet or a script is a dry run's: add --dry-run.")
        try:
            schedule = load_schedule(settings.CASEAUDIT_RETENTION_FILE)
        except ScheduleError as problems:
            raise CommandError(
                f"The retention schedule cannot be used, so nothing was disposed of:\n{problems}"
            ) from None
        with refusals_as_errors():
            acting_user = actor_from(options)
            policy.require(acting_user, policy.DISPOSE_RECORDS)
        if not dry_run and not schedule.confirmed:
            raise CommandError(UNCONFIRMED.format(source=schedule.source))
        today = timezone.localdate()
        found = review(closed_cases(), schedule, today)
        # Out of the service, like every command's list of children: an export.
        record_access(
            acting_user, "export", "retention", detail=f"retention review: {len(found.due)} cases due"
        )
        if options["format"] != "text":
            write_data(self.stdout, _verdicts(found), options["format"], lambda: None)
            return
        self._describe(schedule, found)
        if dry_run:
            self.stdout.write("Dry run: nothing was disposed of.")
            return
        if not found.due:
            self.stdout.write("Nothing was disposed of.")
            return
        if not options["yes"]:
            self._confirm(len(found.due))
        with refusals_as_errors():
            records = dispose_of_due_cases(
                schedule, today=today, acting_user=acting_user, only={v.case_id for v in found.due}
            )
        audits = sum(r.audits for r in records)
        self.stdout.write(
            f"Disposed of {_cases(len(records))} and their {audits} audit{'' if audits == 1 else 's'}. "
            "A record of each (ids and dates) is kept, and the counts past reports need."
        )

    def _describe(self, schedule: Schedule, found: Review) -> None:
        write = self.stdout.write
        if schedule.confirmed:
            write(
                f"Retention schedule {schedule.source}, confirmed by {schedule.confirmed_by} on "
                f"{schedule.confirmed_on:%d %B %Y}:"
            )
        else:
            write(f"Retention schedule {schedule.source} (NOT CONFIRMED by the authority):")
        for line in schedule.describe():
            write(f"  {line}")
        write("")
        write(f"On {found.today:%d %B %Y}, {_cases(len(found.due))} {_are(found.due)} due for disposal.")
        for cohort, n in found.due_by_cohort().items():
            write(f"  {COHORT_LABELS[cohort]}: {n}")
        if found.due:
            write("")
            write(_row("Internal id", "Child Unique ID", "Cohort", "Closed on", "Due on"))
            for verdict in found.due:
                write(_verdict_row(verdict))
        if found.not_yet:
            after = f" (the next on {found.next_due:%d %B %Y})" if found.next_due else ""
            write("")
            write(f"{_cases(len(found.not_yet))} closed {_are(found.not_yet)} not yet due{after}.")
        if found.undated:
            write("")
            write(
                f"{_cases(len(found.undated))} closed {_are(found.undated)} never disposed of until a "
                "missing date is recorded in the register:"
            )
            for verdict in found.undated:
                write(f"  {verdict.case_id:>11}  {verdict.child_id:<20}  {verdict.why_kept}")
        write("")

    def _confirm(self, count: int) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Nothing was disposed of: confirm by running it again with --yes (or run it at a terminal)."
            )
        answer = input(
            f"Dispose of these {_cases(count)} and everything held about them? This cannot be undone. "
            "Type yes to go on: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Nothing was disposed of.")


def _verdicts(found: Review) -> list[dict[str, Any]]:
    """Every closed case's verdict: due now, not yet due, or kept until a missing date is recorded."""
    return [
        {
            "case_id": verdict.case_id,
            "child_id": verdict.child_id,
            "cohort": verdict.cohort,
            "closed_on": verdict.closed_on,
            "due_on": verdict.due_on,
            "verdict": verdict_name,
            "why_kept": verdict.why_kept,
        }
        for verdict_name, verdicts in (
            ("due", found.due),
            ("not-yet", found.not_yet),
            ("undated", found.undated),
        )
        for verdict in verdicts
    ]


def _verdict_row(verdict: Verdict) -> str:
    return _row(
        str(verdict.case_id),
        verdict.child_id,
        COHORT_LABELS[verdict.cohort],
        f"{verdict.closed_on:%Y-%m-%d}",
        f"{verdict.due_on:%Y-%m-%d}",
    )


def _row(case_id: str, child_id: str, cohort: str, closed_on: str, due_on: str) -> str:
    return f"  {case_id:>11}  {child_id:<20}  {cohort:<20}  {closed_on:<10}  {due_on:<10}"


def _cases(n: int) -> str:
    return "1 case" if n == 1 else f"{n} cases"


def _are(items: list[Verdict]) -> str:
    return "is" if len(items) == 1 else "are"
