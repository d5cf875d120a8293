"""Who a command acts as. Without `--as`, the command line is the SYSTEM actor, trusted only with what the
policy marks for it; with `--as USERNAME`, it acts as that person, with their permissions, and the change
history names them."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db.models import Model, QuerySet

from caseaudit.policy import SYSTEM, Actor

from .models import User
from .security_log import Event, record_security_event

M = TypeVar("M", bound=Model)

# The person named with --as, for the security log's record of a refusal (a command acts for one person).
_acting_as: ContextVar[User | None] = ContextVar("caseaudit_acting_as", default=None)


def add_actor_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="USERNAME",
        help="Act as this person (their permissions apply, and the history names them). "
        "Without it, the command acts as the system.",
    )


def actor_from(options: dict[str, Any]) -> Actor:
    username = options.get("acting_as")
    if not username:
        _acting_as.set(None)  # not the person an earlier command in this process acted as (tests)
        return SYSTEM
    try:
        person = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"No active account has the username {username!r}.") from None
    _acting_as.set(person)
    return person


def person_from(options: dict[str, Any], what: str) -> User:
    """The person named with --as, for a command a person answers for and the system may not do (the
    tracker, moderation, a draft): without --as it says, in `what`'s words, to name them."""
    actor = actor_from(options)
    if not isinstance(actor, User):
        raise CommandError(f"{what}: name them with --as USERNAME.")
    return actor


def one_they_may_see(found: QuerySet[M], user: User, what: str) -> M:
    """The one record a person's scoped query found, or the one-line error that they may see no such
    thing: the same words whether it is not there or outside their scope, as a page's 404."""
    record = found.first()
    if record is None:
        raise CommandError(f"There is no {what} that {user.username} may see.")
    return record


@contextmanager
def refusals_as_errors() -> Iterator[None]:
    """An action's refusal (a rule it enforces, or a person named with `--as` who may not) ends the
    command with its message, as a CommandError, instead of a traceback."""
    try:
        yield
    except ValidationError as refusal:
        raise CommandError(" ".join(refusal.messages)) from None
    except PermissionDenied as refusal:
        # Refused as a page would be, and recorded as a page's refusal is: who (the --as person, or the
        # command line), and what they may not do.
        record_security_event(
            Event.PERMISSION_DENIED, user=_acting_as.get(), detail=f"command line: {refusal}"
        )
        raise CommandError(str(refusal)) from None
