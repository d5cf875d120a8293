"""`caseaudit reset-mfa USERNAME`: for a person who lost their phone (or their recovery codes). Their
authenticator app and recovery codes are removed and every session of theirs ends; they set up a new app
the next time they sign in (docs/operations.md#signing-in)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.signin.actions import reset_mfa


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes, so that they set up a new one."
        " Example: caseaudit reset-mfa jsmith --as administrator"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No account has the username {options['username']!r}.") from None
        with refusals_as_errors():
            reset_mfa(user, acting_user=actor_from(options))
        self.stdout.write(
            f"{user.username}'s authenticator app is reset and they are signed out everywhere: "
            "they set up a new app the next time they sign in."
        )
