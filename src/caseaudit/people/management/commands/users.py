"""`caseaudit users add|import|list|deactivate|reactivate|send-link`: staff accounts from the command line,
for the IT team that sets the service up. Acts as the system unless `--as USERNAME`."""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.notifications.models import Email
from caseaudit.people import actions
from caseaudit.people.checking import check_fields
from caseaudit.people.fields import LIST_FIELDS, ROLE_LABELS, values_of
from caseaudit.people.importing import AccountPlan, plan_accounts, read_rows
from caseaudit.readers.command_output import print_problems
from caseaudit.readers.table import ImportRefused


class Command(BaseCommand):
    help = (
        "Staff accounts: add one, import a spreadsheet of them, list them, deactivate or reactivate one."
        ' Example: caseaudit users add jsmith --name "Jo Smith" --role auditor'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="add|import|list|...")

        add = commands.add_parser("add", help="add an account and send its link to choose a password")
        add.add_argument("username")
        add.add_argument("--name", required=True)
        add.add_argument("--email", default="")
        add.add_argument("--role", required=True, help=", ".join(ROLE_LABELS))
        add.add_argument("--team", default="", help="the team in the register (added if new)")
        add.add_argument("--staff", default="", help="the person's name in the case register")
        add.add_argument("--capacity", default="", help="audits per cycle (auditors only)")
        _link_options(add)

        imports = commands.add_parser("import", help="add and change accounts from a CSV or XLSX file")
        imports.add_argument("file", type=Path)
        imports.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
        imports.add_argument(
            "--deactivate-missing", action="store_true", help="deactivate the active accounts not in the file"
        )
        _link_options(imports)

        listing = commands.add_parser("list", help="every account")
        listing.add_argument("--format", choices=["text", "csv", "json"], default="text")

        for verb, what in (("deactivate", "switch an account off"), ("reactivate", "switch it on again")):
            one = commands.add_parser(verb, help=what)
            one.add_argument("username")
            add_actor_argument(one)

        send = commands.add_parser("send-link", help="a new link to choose a password")
        send.add_argument("username")
        _link_options(send)

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["action"]
        if verb == "list":
            self._list(options["format"])
            return
        actor = actor_from(options)
        with refusals_as_errors():
            if verb == "add":
                self._add(options, actor)
            elif verb == "import":
                self._import(options, actor)
            elif verb == "deactivate":
                actions.deactivate_account(_account(options["username"]), acting_user=actor)
                self.stdout.write(f"{options['username']} is deactivated: they cannot sign in.")
            elif verb == "reactivate":
                actions.reactivate_account(_account(options["username"]), acting_user=actor)
                self.stdout.write(f"{options['username']} is active again.")
            elif verb == "send-link":
                sent = actions.send_password_link(
                    _account(options["username"]), acting_user=actor, site_url=options["site_url"]
                )
                self._say_link(sent)

    def _add(self, options: dict[str, Any], actor: Any) -> None:
        fields, problems = check_fields(
            {k: options[k] for k in ("username", "name", "email", "role", "team", "staff", "capacity")}
        )
        if fields is None:
            raise CommandError(" ".join(f"--{k}: {v}." for k, v in problems.items()))
        sent = actions.add_account(fields, acting_user=actor, site_url=options["site_url"])
        self.stdout.write(f"Added {fields.username} ({fields.role_label}).")
        self._say_link(sent)

    def _import(self, options: dict[str, Any], actor: Any) -> None:
        try:
            rows, warnings, name = read_rows(options["file"])
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        plan = plan_accounts(rows, name, deactivate_missing=options["deactivate_missing"], acting_user=actor)
        plan.warnings[:0] = warnings
        print_problems(self, plan.warnings, plan.errors, len(plan.errors))
        if plan.errors:
            raise CommandError(
                f"{len(plan.errors)} problem(s) in {name}: nothing was imported. Correct the rows above."
            )
        if plan.changes_nothing:
            self.stdout.write(f"Nothing to change: every account in {name} is as the file says.")
            return
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written. The import would make these changes:")
            self._describe(plan)
            return
        sent = actions.import_accounts(plan, acting_user=actor, site_url=options["site_url"])
        self.stdout.write(f"Imported {name}:")
        self._describe(plan)
        for link in sent:
            self._say_link(link)

    def _describe(self, plan: AccountPlan) -> None:
        for fields in plan.added:
            self.stdout.write(f"  add {fields.username} ({fields.role_label})")
        for user, _ in plan.changed:
            changes = ", ".join(
                f"{k} {old or '-'} -> {new or '-'}" for k, (old, new) in plan.changes[user.username].items()
            )
            self.stdout.write(f"  change {user.username}: {changes}")
        for user in plan.deactivated:
            self.stdout.write(f"  deactivate {user.username} (not in the file)")
        counts = plan.counts
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) + ".")

    def _say_link(self, sent: actions.LinkSent) -> None:
        """Whether the link went by email; if it did not, the link itself, to hand over in person."""
        user = sent.user
        email = Email.objects.filter(pk=sent.email.pk).first() if sent.email else None
        if email is not None and email.status == Email.Status.SENT:
            self.stdout.write(f"Emailed {user.username} a link to choose their password (valid 72 hours).")
            return
        why = "has no email address" if email is None else "could not be emailed now (it waits in the outbox)"
        self.stdout.write(
            f"{user.username} {why}. Give them this link to choose their password (valid 72 hours, once):"
        )
        self.stdout.write(f"  {sent.url}")

    def _list(self, form: str) -> None:
        people = [values_of(u) for u in User.objects.select_related("staff__team").order_by("username")]
        if form == "json":
            self.stdout.write(json.dumps(people, indent=2))
        elif form == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=LIST_FIELDS, lineterminator="\n")
            writer.writeheader()
            for person in people:
                writer.writerow(
                    {
                        **person,
                        "capacity": "" if person["capacity"] is None else person["capacity"],
                        "active": "yes" if person["active"] else "no",
                    }
                )
        elif not people:
            self.stdout.write("No accounts yet: add one with `caseaudit users add`.")
        else:
            self.stdout.write(f"{'username':<20}{'name':<26}{'role':<15}{'team':<28}{'active'}")
            for p in people:
                self.stdout.write(
                    f"{p['username']:<20}{p['name']:<26}{ROLE_LABELS.get(p['role'], p['role']):<15}"
                    f"{p['team'] or '-':<28}{'yes' if p['active'] else 'no'}"
                )


def _link_options(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--site-url", default=None, help="the service's address, for the links (default: CASEAUDIT_SITE_URL)"
    )
    add_actor_argument(parser)


def _account(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No account has the username {username!r}.")
    return user
