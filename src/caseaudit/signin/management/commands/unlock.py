"""`caseaudit unlock USERNAME` (or `--address ADDRESS`): let a person locked out by too many failed
attempts sign in again now, rather than in 15 minutes (docs/operations.md#signing-in)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.signin.actions import unlock


class Command(BaseCommand):
    help = (
        "Unlock a username (or, with --address, a client address) locked out by failed sign-in attempts."
        " Example: caseaudit unlock jsmith"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--address", help="Unlock this client address instead of a username.")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        username, address = options["username"], options["address"]
        if (username is None) == (address is None):
            raise CommandError("Give a username, or --address ADDRESS.")
        with refusals_as_errors():
            ended = unlock(username=username, address=address, acting_user=actor_from(options))
        what = username if username is not None else address
        if ended:
            self.stdout.write(f"{what} is unlocked: they can sign in again now.")
        else:
            self.stdout.write(f"{what} was not locked out; any failed attempts no longer count.")
