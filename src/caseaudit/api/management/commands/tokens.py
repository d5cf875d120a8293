"""`caseaudit tokens create USERNAME | revoke ID | list [USERNAME]`: personal API tokens from the command
line, for setting up a warehouse's or dashboard's account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.api.actions import create_token, revoke_token
from caseaudit.api.models import ApiToken
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "Make, revoke or list personal API tokens. A token acts as its owner, with their role and what they "
        "may see; it is printed once and only its hash is kept. Example: caseaudit tokens create "
        "analyst --name 'Power BI' --expires-days 30"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|revoke|list")
        make = actions.add_parser("create", help="make a token for USERNAME and print it once")
        make.add_argument("username")
        make.add_argument("--name", default="Command line", help="what the token is for")
        make.add_argument("--expires-days", type=int, help="days until it expires (default 90, at most 366)")
        add_actor_argument(make)
        end = actions.add_parser("revoke", help="stop the token ID working, at once")
        end.add_argument("id", type=int)
        add_actor_argument(end)
        show = actions.add_parser("list", help="the tokens of USERNAME, or everyone's (never the tokens)")
        show.add_argument("username", nargs="?")
        add_format_argument(show)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options["username"], options["format"])
            return
        actor = actor_from(options)
        with refusals_as_errors():
            if action == "create":
                owner = User.objects.filter(username=options["username"]).first()
                if owner is None:
                    raise CommandError(f"There is no account {options['username']!r}.")
                made = create_token(
                    owner, name=options["name"], expires_days=options["expires_days"], acting_user=actor
                )
                self.stdout.write(made.secret)
                self.stderr.write(
                    f"Made token {made.token.pk} ({made.token.name}) for {owner.username}, expiring "
                    f"{made.token.expires_at:%d %B %Y}. It is shown only this once: keep it as a password."
                )
            else:
                token = ApiToken.objects.select_related("owner").filter(pk=options["id"]).first()
                if token is None:
                    raise CommandError(f"There is no token {options['id']}.")
                if token.revoked_at is not None:
                    raise CommandError(f"Token {token.pk} ({token.name}) was already revoked.")
                revoke_token(token, acting_user=actor)
                self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.owner.username}.")

    def _list(self, username: str | None, chosen: str) -> None:
        tokens = ApiToken.objects.select_related("owner").order_by("owner__username", "-created_at")
        if username:
            tokens = tokens.filter(owner__username=username)
        rows = [
            {
                "id": token.pk,
                "owner": token.owner.username,
                "name": token.name,
                "begins_with": token.prefix,
                "state": token.state,
                "expires_at": token.expires_at,
                "last_used_at": token.last_used_at,
            }
            for token in tokens
        ]

        def text() -> None:
            for row in rows:
                used = f"{row['last_used_at']:%Y-%m-%d %H:%M}" if row["last_used_at"] else "never used"
                self.stdout.write(
                    f"{row['id']}\t{row['owner']}\t{row['name']}\t{row['begins_with']}...\t{row['state']}\t"
                    f"expires {row['expires_at']:%Y-%m-%d}\t{used}"
                )
            if not rows:
                self.stdout.write("No tokens.")

        write_data(self.stdout, rows, chosen, text)
