"""`caseaudit logs access|security`: the logs kept as evidence, searched as their pages search them and
written as their pages' downloads are (CSV), for the QA lead or the administrator named with `--as`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, person_from, refusals_as_errors
from caseaudit.accounts.models import AccessLog, SecurityEvent
from caseaudit.cases.models import Case
from caseaudit.readers.command_output import date_option
from caseaudit.readers.data_output import write_output_file
from caseaudit.records import log_downloads
from caseaudit.records.log_search import (
    AccessLogFilters,
    LogFilters,
    SecurityLogFilters,
    described,
    record_types,
)


class Command(BaseCommand):
    help = (
        "Search the access log (who read or exported which record) or the security log (signing in, "
        "lockouts, account changes, refusals) and write the entries found as CSV, as the log pages' "
        "downloads are. The search is itself recorded. For the QA lead or the administrator, named with "
        "--as. Example: caseaudit logs access --child N000123 --from 2026-04-01 -o child.csv --as qa-lead"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        logs = parser.add_subparsers(dest="log", required=True, metavar="access|security")
        access = logs.add_parser("access", help="the access log")
        access.add_argument("--child", metavar="CHILD_ID", help="the entries about this child's records")
        access.add_argument("--action", choices=AccessLog.Action.values)
        access.add_argument(
            "--type", dest="object_type", metavar="KIND", help="one kind of record, e.g. case"
        )
        security = logs.add_parser("security", help="the security log")
        security.add_argument("--event", choices=SecurityEvent.Event.values)
        for log in (access, security):
            log.add_argument("--username", default="", help="one person's entries")
            log.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="from this day")
            log.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="to this day, included")
            log.add_argument(
                "--output", "-o", metavar="FILE", help="write to FILE (default: standard output)"
            )
            add_actor_argument(log)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "The logs are read by the QA lead or an administrator")
        with refusals_as_errors():
            user = policy.person(actor, policy.READ_LOGS)
        common = {
            "username": options["username"].strip(),
            "date_from": date_option(options["date_from"], "--from") if options["date_from"] else None,
            "date_to": date_option(options["date_to"], "--to") if options["date_to"] else None,
        }
        if common["date_from"] and common["date_to"] and common["date_to"] < common["date_from"]:
            raise CommandError("--to must be the same day as --from or after it.")
        filters: LogFilters
        if options["log"] == "access":
            filters = AccessLogFilters(
                **common, case=_case(options["child"]), action=options["action"] or "",
                object_type=_kind(options["object_type"]),
            )  # fmt: skip
            download = log_downloads.ACCESS_LOG
        else:
            filters = SecurityLogFilters(**common, event=options["event"] or "")
            download = log_downloads.SECURITY_LOG
        asked_at = timezone.now()
        # Recorded before the first row goes, as the page's download is.
        record_access(user, "export", download.slug, detail=f"{described(filters)}; csv, command line")
        chunks = download.csv(filters, asked_at)
        if options["output"]:
            write_output_file(options["output"], lambda stream: stream.writelines(chunks))
            self.stderr.write(f"Wrote the {options['log']} log's entries found to {options['output']}.")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")


def _case(child_id: str | None) -> Case | None:
    if not child_id:
        return None
    case = Case.objects.filter(child_id=child_id.strip()).first()
    if case is None:
        raise CommandError("No case in the register has that Child Unique ID.")
    return case


def _kind(given: str | None) -> str:
    if not given:
        return ""
    kinds = record_types()
    if given not in kinds:
        raise CommandError(f"Not a kind of record the log holds: {given!r}. Kinds: {', '.join(kinds)}.")
    return given
