"""`caseaudit case CHILD_ID`: one case as its page shows it (key dates, where each came from, timescale
checks), for the person named with `--as`, within what they may see."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.compliance.case_summary import case_summary
from caseaudit.readers.command_output import date_option


class Command(BaseCommand):
    help = (
        "One case: its team and worker, its key dates and where each came from, and its timescale checks "
        "(due, overdue, late or met) on a day, as the case page shows them. Acts as the person named with "
        "--as, who sees only the cases their role lets them."
        " Example: caseaudit case N000123 --as-of 2026-11-30 --format json --as team-manager"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child_id", metavar="CHILD_ID", help="the case's Child Unique ID")
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="the day the checks are made (default today)"
        )
        parser.add_argument(
            "--format", choices=("text", "json"), default="text", help="text (default) or json"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "A case is read by a person")
        day = date_option(options["as_of"], "--as-of") if options["as_of"] else timezone.localdate()
        with refusals_as_errors():
            user = policy.person(actor, policy.READ_CHILD_RECORDS)
        visible = cases_visible_to(user).select_related("team", "worker")
        child_id = options["child_id"].strip()
        case = one_they_may_see(visible.filter(child_id=child_id), user, f"case {child_id!r}")
        record_access(user, "view", "case", case.pk, "command line")
        summary = case_summary(case, day)
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2, default=str))
            return
        self._text(summary, day)

    def _text(self, summary: dict[str, Any], day: Any) -> None:
        write = self.stdout.write
        write(f"{summary['child_id']} ({summary['cohort']}), {summary['team'] or 'no team'}, "
              f"worker {summary['worker'] or 'none'}")  # fmt: skip
        closed = f", closed {summary['closed_on']}" if summary["closed_on"] else ""
        write(f"Opened {summary['opened_on'] or 'unknown'}{closed}.")
        write("")
        write("Key dates:")
        for name, value in summary["key_dates"].items():
            source = summary["date_sources"].get(name)
            write(f"  {name.replace('_', ' '):<38} {value or '-'}" + (f"  ({source})" if source else ""))
        write("")
        write(f"Timescales on {day:%-d %B %Y}:")
        for check in summary["timescales"]:
            due = f"due {check['due_date']}" if check["due_date"] else ""
            write(f"  {check['label']:<38} {check['status']:<14} {due:<15} {check['counts_from']}".rstrip())
        if not summary["timescales"]:
            write("  No timescale applies to this case.")
