"""Making, checking and limiting personal API tokens.

A token is `ca_` and 43 random URL-safe characters (256 bits): far too many to guess, so a plain SHA-256
of it is enough to find it by, without a slow password hash on every request. Only that digest is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from caseaudit.accounts.models import User

from .models import ApiToken

PREFIX = "ca_"
# How often a token's "last used" time is written: not on every request, which would make each read a write.
LAST_USED_EVERY = timedelta(minutes=1)


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def owner_of(secret: str) -> tuple[User, ApiToken] | None:
    """The active person a live token signs in as, and the token; None for a token that is unknown,
    revoked or expired, or whose owner's account is deactivated."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("owner").filter(digest=digest(secret)).first()
    if token is None or not token.is_live or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.owner, token


def over_rate(token: ApiToken) -> int:
    """Seconds until the token may be used again, or 0: each token may make CASEAUDIT_API_RATE requests a
    minute (counted in the cache every process shares), so one runaway script cannot hold up the service."""
    limit = settings.CASEAUDIT_API_RATE
    minute = int(timezone.now().timestamp() // 60)
    key = f"api-rate:{token.pk}:{minute}"
    cache.add(key, 0, timeout=90)
    try:
        used = cache.incr(key)
    except ValueError:  # gone between add and incr: a new minute
        cache.set(key, 1, timeout=90)
        used = 1
    return 60 - int(timezone.now().timestamp()) % 60 if used > limit else 0
