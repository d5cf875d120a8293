"""Signing in and out, in the security log. The steps that only this app sees (a wrong password, a wrong
code, a lockout) record their events where they happen; Django's own signals say when a person signed in
with their password and when a session was signed out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from caseaudit.accounts.models import User
from caseaudit.accounts.security_log import Event, record_security_event

from . import second_factor

# Set on a request whose sign-out has its own event already (a session that timed out).
SIGN_OUT_RECORDED = "_caseaudit_sign_out_recorded"


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    step = "password, code to follow" if second_factor.required() else "password"
    record_security_event(Event.SIGNED_IN, user=user, detail=step)


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None or getattr(request, SIGN_OUT_RECORDED, False):
        return
    record_security_event(Event.SIGNED_OUT, user=user)


def session_ended(request: HttpRequest, user: User, why: str) -> None:
    """The session was signed out because it was idle, or had lasted too long."""
    detail = "idle too long" if why == "idle" else "signed in too long ago"
    record_security_event(Event.SESSION_EXPIRED, user=user, detail=detail)
    setattr(request, SIGN_OUT_RECORDED, True)


def sign_in_failed(username: str, why: str) -> None:
    """A refused attempt: `username` as typed (it may be no account's), never the password or code."""
    record_security_event(Event.SIGN_IN_FAILED, username=username, detail=why)
