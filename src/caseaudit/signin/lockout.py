"""Too many failed attempts lock a username, or a client address, out for a while.

Five failed attempts for one username, or twenty from one client address, within fifteen minutes refuse
every further attempt for fifteen minutes, even with the right password. The two limits are different on
purpose: five guesses are plenty for a person who mistyped, while an office behind one address may have
several people mistyping at once. (django-axes counts every lockout parameter against one failure limit,
so it cannot say "5 per username, 20 per address" without bending it; this is small enough to own.)

The refusal says the same whether or not an account has the username, so it tells an attacker nothing.
Every failed attempt and every lockout is kept (`FailedSignIn`, `Lockout`): the username as typed and the
address, never the password. An unlock clears the count without deleting the record. The address is
`caseaudit.web.client.client_address`'s, which knows about the reverse proxy."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caseaudit.accounts.security_log import Event, record_security_event

from .models import FailedSignIn, Lockout

logger = logging.getLogger(__name__)

USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)  # failures count within it, and a lockout lasts as long
LOCKED_MESSAGE = (
    "Too many failed attempts. Try again in 15 minutes, or ask your QA lead or administrator to unlock "
    "your account."
)


def username_key(username: str) -> str:
    """Usernames are counted case-folded, so "QA-Lead" and "qa-lead" share one count."""
    return username.strip().casefold()


def _locks(username: str, address: str | None) -> Q:
    which = Q(kind=Lockout.Kind.USERNAME, key=username_key(username))
    if address:
        which |= Q(kind=Lockout.Kind.ADDRESS, key=address)
    return which


def is_locked(username: str, address: str | None) -> bool:
    return Lockout.objects.filter(
        _locks(username, address), until__gt=timezone.now(), cleared_at=None
    ).exists()


def refuse(username: str, address: str | None) -> None:
    """Record an attempt refused because of a lockout. It does not count towards a new one: a lockout
    lasts its fifteen minutes, however often someone knocks."""
    FailedSignIn.objects.create(
        username=username_key(username), address=address, reason=FailedSignIn.Reason.LOCKED
    )


@transaction.atomic
def record_failure(username: str, address: str | None, reason: str) -> bool:
    """Record a failed attempt, lock out the username or the address if it reached its limit, and say
    whether this attempt locked anything."""
    key = username_key(username)
    FailedSignIn.objects.create(username=key, address=address, reason=reason)
    counted = FailedSignIn.objects.filter(at__gte=timezone.now() - WINDOW, cleared_at=None).exclude(
        reason=FailedSignIn.Reason.LOCKED
    )
    locked = False
    failures = counted.filter(username=key).count()
    if failures >= USERNAME_LIMIT:
        _lock(Lockout.Kind.USERNAME, key, failures)
        locked = True
    if address:
        failures = counted.filter(address=address).count()
        if failures >= ADDRESS_LIMIT:
            _lock(Lockout.Kind.ADDRESS, address, failures)
            locked = True
    return locked


def _lock(kind: str, key: str, failures: int) -> None:
    Lockout.objects.create(kind=kind, key=key, until=timezone.now() + WINDOW, failures=failures)
    locked = f"{failures} failed attempts: locked for 15 minutes"
    if kind == Lockout.Kind.USERNAME:
        record_security_event(Event.LOCKED_OUT, username=key, detail=locked)
    else:
        record_security_event(Event.LOCKED_OUT, detail=f"client address {key}, after {locked}")
    # Operators see lockouts in the log as they happen; the username is no secret, the password never logged.
    logger.warning("Sign-in locked for 15 minutes after %s failed attempts: %s %s", failures, kind, key)


def succeeded(username: str) -> None:
    """A right password (or code) starts the username's count afresh."""
    FailedSignIn.objects.filter(username=username_key(username), cleared_at=None).update(
        cleared_at=timezone.now()
    )


def clear(*, username: str | None = None, address: str | None = None, by: str) -> int:
    """End the lockouts of a username or an address, and stop its past failures counting. Returns how
    many lockouts were in force. For `caseaudit.signin.actions`, which records who unlocked what."""
    now = timezone.now()
    if username is not None:
        key = username_key(username)
        locks = Lockout.objects.filter(kind=Lockout.Kind.USERNAME, key=key)
        failures = FailedSignIn.objects.filter(username=key)
    else:
        locks = Lockout.objects.filter(kind=Lockout.Kind.ADDRESS, key=address)
        failures = FailedSignIn.objects.filter(address=address)
    in_force = locks.filter(until__gt=now, cleared_at=None).update(cleared_at=now, cleared_by=by)
    locks.filter(cleared_at=None).update(cleared_at=now, cleared_by=by)
    failures.filter(cleared_at=None).update(cleared_at=now)
    return in_force
