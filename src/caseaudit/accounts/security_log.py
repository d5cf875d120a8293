"""The security log: signing in and out, failures and lockouts, second-factor changes, account and role
changes, refusals. Chained and kept as the access log is (`log_writer`).

Never a password, a code, a token or a link goes in `detail`: only what happened, and who did it when it
was someone else ("by qa-lead")."""

from __future__ import annotations

from . import log_writer
from .models import SecurityEvent, User

Event = SecurityEvent.Event


def record_security_event(
    event: str, *, user: User | None = None, username: str = "", detail: str = ""
) -> SecurityEvent:
    """Record `event` about the account `user` (or, for a name typed at a failed sign-in that may match no
    account, `username`). Inside a transaction, it is written when the transaction commits: an account
    added or a role changed in a transaction that rolls back never happened."""
    entry = SecurityEvent(
        event=event,
        user=user,
        username=username or (user.username if user else ""),
        detail=detail,
    )
    log_writer.append(entry, kept_if_rolled_back=False)
    return entry


def by(actor: object) -> str:
    """Who did it, for `detail`: a person's username, or the command line."""
    return f"by {actor.username}" if isinstance(actor, User) else "by the command line"
