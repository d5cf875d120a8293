"""`caseaudit actions list | update | verify | reopen | cancel | reassign`: the improvement tracker from the
command line, as a person (`--as`): what they may see and do is what the tracker's pages let them."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.cases.models import Team
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.actions import tracker
from caseaudit.improvement.meeting import meeting
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.improvement.tracker import person
from caseaudit.readers.command_output import date_option
from caseaudit.readers.data_output import add_format_argument, write_data

STATUSES = ("current", "open", "in-progress", "done", "verified", "cancelled", "all")


class Command(BaseCommand):
    help = (
        "The improvement tracker's actions and recommendations: list them with the tracker's filters, and "
        "update them as their owner (a note, in progress, done with its evidence) or decide on them as the "
        "QA lead (verify, reopen, cancel, reassign), with the pages' rules. Acts as the person named with "
        "--as, who sees and changes only what the tracker shows them."
        " Example: caseaudit actions list --status done --format csv --as qa-lead"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="command", required=True, metavar="list|update|verify|reopen|cancel|reassign"
        )
        listing = commands.add_parser("list", help="the actions this person may see, overdue first")
        listing.add_argument("--status", choices=STATUSES, default="current",
                             help="current (default: open, in progress, or done and not yet verified), "
                             "or one status, or all")  # fmt: skip
        listing.add_argument("--kind", choices=("action", "recommendation"), help="one kind only")
        listing.add_argument("--team", metavar="NAME", help="one team's")
        listing.add_argument("--owner", metavar="USERNAME", help="one owner's")
        listing.add_argument("--cycle", metavar="NAME", help="one cycle's")
        add_format_argument(listing)
        add_actor_argument(listing)

        update = _with_id(commands, "update", "the owner's update: a note, a new status, or both")
        update.add_argument("--status", choices=("open", "in-progress", "done"))
        update.add_argument("--note", default="", help="what was done, or why not")
        update.add_argument("--evidence", default="", help="what shows it was done: needed for done")
        verify = _with_id(commands, "verify", "the QA lead has checked the evidence: done becomes verified")
        verify.add_argument("--note", default="")
        for name, what in (("reopen", "back to open"), ("cancel", "no longer needed")):
            decided = _with_id(commands, name, f"{what}, with the reason (the QA lead)")
            decided.add_argument("--reason", required=True)
        reassign = _with_id(commands, "reassign", "a new owner or due date (the QA lead)")
        reassign.add_argument("--owner", metavar="USERNAME", help="the new owner (default: the same)")
        reassign.add_argument("--due", metavar="YYYY-MM-DD", help="the new due date (default: the same)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "The tracker is read and changed by a person")
        with refusals_as_errors():
            if options["command"] == "list":
                self._list(actor, options)
            else:
                self._change(actor, options)

    def _list(self, actor: policy.Actor, options: dict[str, Any]) -> None:
        user = policy.person(actor, policy.USE_TRACKER)
        today = timezone.localdate()
        params = {"status": options["status"], "kind": options["kind"] or ""}
        if options["team"]:
            params["team"] = str(_named(Team, name__iexact=options["team"], what="team").pk)
        if options["owner"]:
            params["owner"] = str(_named(User, username=options["owner"], what="account").pk)
        if options["cycle"]:
            params["cycle"] = str(_named(Cycle, name__iexact=options["cycle"], what="cycle").pk)
        current = meeting(user, params, today=today)
        record_access(
            user, "view", "action-list", "", "command line: " + shown("actions", len(current.rows),
                                                                      filters=current.filters())
        )  # fmt: skip
        rows: list[dict[str, Any]] = [
            {
                "id": row.action.pk,
                "kind": row.action.kind,
                "status": row.action.status,
                "due_on": row.action.due_on,
                "days_overdue": row.days_overdue,
                "owner": row.owner_name,
                "team": row.team_name,
                "description": row.action.description,
            }
            for row in current.rows
        ]

        def text() -> None:
            counts = current.counts
            self.stdout.write(
                f"{counts.open} open, {counts.in_progress} in progress, {counts.done} done, "
                f"{counts.verified} verified, {counts.cancelled} cancelled; {counts.overdue} overdue."
            )
            for row in rows:
                late = f"{row['days_overdue']} days overdue" if row["days_overdue"] > 0 else "on time"
                self.stdout.write(
                    f"{row['id']}\t{row['status']}\tdue {row['due_on']:%Y-%m-%d} ({late})\t{row['owner']}\t"
                    f"{row['team']}\t{_first_line(row['description'])}"
                )
            if not rows:
                self.stdout.write("No actions match.")

        write_data(self.stdout, rows, options["format"], text)

    def _change(self, actor: policy.Actor, options: dict[str, Any]) -> None:
        user = policy.person(actor, policy.USE_TRACKER)
        visible = actions_visible_to(user).select_related("owner")
        action = one_they_may_see(visible.filter(pk=options["id"]), user, f"action {options['id']}")
        command, was = options["command"], action.get_status_display().lower()
        if command == "update":
            tracker.update_action(
                action, status=options["status"], note=options["note"], evidence=options["evidence"],
                acting_user=user,
            )  # fmt: skip
        elif command == "verify":
            tracker.verify_action(action, note=options["note"], acting_user=user)
        elif command == "reopen":
            tracker.reopen_action(action, reason=options["reason"], acting_user=user)
        elif command == "cancel":
            tracker.cancel_action(action, reason=options["reason"], acting_user=user)
        else:
            owner = (
                _named(User, username=options["owner"], what="account") if options["owner"] else action.owner
            )
            due = date_option(options["due"], "--due") if options["due"] else action.due_on
            tracker.reassign_action(action, owner=owner, due_on=due, acting_user=user)
        action.refresh_from_db()
        now = action.get_status_display().lower()
        state = f"is now {now} (was {was})" if now != was else f"is still {now}"
        self.stdout.write(
            f"{action.get_kind_display()} {action.pk} {state}; owner {person(action.owner)}, due "
            f"{action.due_on:%-d %B %Y}. The change is in its history."
        )


def _with_id(commands: Any, name: str, help_text: str) -> ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    parser.add_argument("id", type=int, help="the action's number (as `caseaudit actions list` shows)")
    add_actor_argument(parser)
    return parser


def _named(model: type[Any], *, what: str, **lookup: str) -> Any:
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise CommandError(f"There is no {what} {next(iter(lookup.values()))!r}.")
    return found


def _first_line(text: str, width: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
