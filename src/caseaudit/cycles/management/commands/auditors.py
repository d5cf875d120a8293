from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit import policy
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.cycles.actions import set_audit_capacity
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "List the auditors with their team and capacity, or set an auditor's capacity per cycle."
        " Example: caseaudit auditors --capacity auditor 12"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--capacity",
            nargs=2,
            metavar=("USERNAME", "N"),
            help="audits per cycle for that auditor; 'none' for no set limit",
        )
        add_format_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["capacity"]:
            username, value = options["capacity"]
            auditor = User.objects.filter(username=username).first()
            if auditor is None:
                raise CommandError(f"No user called {username!r}.")
            try:
                capacity = None if value.lower() == "none" else int(value)
            except ValueError:
                raise CommandError(f"{value!r} is not a number of audits (or 'none').") from None
            with refusals_as_errors():
                set_audit_capacity(auditor, capacity, acting_user=actor_from(options))
            limit = "no limit" if capacity is None else f"at most {capacity} audits a cycle"
            # On standard error: standard output stays the table, in the format asked for.
            self.stderr.write(f"{auditor.username}'s capacity is now {limit}.")
        auditors = (
            policy.holders(policy.HAVE_AUDITS, inactive_too=True)
            .select_related("staff__team")
            .order_by("username")
        )
        rows = [
            {
                "auditor": user.username,
                "team": user.staff.team.name if user.staff and user.staff.team else None,
                "capacity": user.audit_capacity,
                "active": user.is_active,
            }
            for user in auditors
        ]

        def text() -> None:
            if not rows:
                self.stdout.write("No auditors yet: give users the auditor role.")
                return
            self.stdout.write(f"{'auditor':<20}{'team (never audits its cases)':<36}{'capacity':>9}  active")
            for row in rows:
                limit = "no limit" if row["capacity"] is None else str(row["capacity"])
                active = "yes" if row["active"] else "no"
                self.stdout.write(f"{row['auditor']:<20}{row['team'] or 'none':<36}{limit:>9}  {active}")

        write_data(self.stdout, rows, options["format"], text)
