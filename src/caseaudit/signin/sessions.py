"""Each person's sessions, kept on the record as they sign in, so that "Sign out everywhere" (and a reset
of their authenticator) can end every one; and the two limits on a session's life: idle and absolute."""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from caseaudit.accounts.models import User

from .models import SignedInSession

SIGNED_IN_AT = "signin.signed_in_at"  # seconds since the epoch, in the session
LAST_SEEN = "signin.last_seen"
# The last request is written back at most this often, so that not every request writes the session.
TOUCH_EVERY = 60


def _store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


@receiver(user_logged_in)
def _keep_session(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    # Forget the sessions of this person that have ended on their own (expired, or cleared away).
    for kept in SignedInSession.objects.filter(user=user):
        if not _store(kept.session_key).exists(kept.session_key):
            kept.delete()
    SignedInSession.objects.update_or_create(session_key=request.session.session_key, defaults={"user": user})


@receiver(user_logged_out)
def _forget_session(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    key = request.session.session_key if request is not None and hasattr(request, "session") else None
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def end_sessions(user: User) -> int:
    """End every session this person signed in to, wherever it is: the next request from each is signed
    out. For the actions that do it (`caseaudit.signin.actions`)."""
    kept = list(SignedInSession.objects.filter(user=user))
    for session in kept:
        _store(session.session_key).delete(session.session_key)
    SignedInSession.objects.filter(pk__in=[s.pk for s in kept]).delete()
    return len(kept)


def why_ended(request: HttpRequest) -> str | None:
    """Why this signed-in session has ended ("idle" or "absolute"), or None while it lasts. A session
    from before these limits existed starts its clocks now."""
    now = time.time()
    session = request.session
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    last_seen = session.setdefault(LAST_SEEN, now)
    if now - signed_in_at > settings.CASEAUDIT_SESSION_HOURS * 3600:
        return "absolute"
    if now - last_seen > settings.CASEAUDIT_IDLE_MINUTES * 60:
        return "idle"
    if now - last_seen > TOUCH_EVERY:
        session[LAST_SEEN] = now
    return None
