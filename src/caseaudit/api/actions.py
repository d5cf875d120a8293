"""Changes of state of API tokens. The account page, the command line and nothing else call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.policy import Actor

from .models import ApiToken
from .tokens import digest, new_secret

MOST_DAYS = 366


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # shown once, never kept


def _may_for(acting_user: Actor, owner: User) -> None:
    if not policy.can(acting_user, policy.ISSUE_API_TOKENS):
        policy.require(acting_user, policy.USE_API, owner)


@changes_state
def create_token(owner: User, *, name: str, acting_user: Actor, expires_days: int | None = None) -> MadeToken:
    """A new token for `owner`, live for `expires_days` (default CASEAUDIT_API_TOKEN_DAYS, at most a
    year). The person themselves may make one; an administrator or the command line, for anyone."""
    _may_for(acting_user, owner)
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name, so that you know it again: what it is for.")
    if len(name) > 80:
        raise ValidationError("A token's name must be 80 characters or fewer.")
    days = settings.CASEAUDIT_API_TOKEN_DAYS if expires_days is None else expires_days
    if not 1 <= days <= MOST_DAYS:
        raise ValidationError(f"A token lasts from 1 to {MOST_DAYS} days.")
    if not owner.is_active:
        raise ValidationError(f"{owner.username}'s account is deactivated: it can have no token.")
    secret = new_secret()
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        digest=digest(secret),
        prefix=secret[:10],
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_change(
        acting_user,
        "api-token.created",
        token,
        new={"owner": owner.username, "name": name, "expires_at": token.expires_at.date()},
    )
    return MadeToken(token, secret)


@changes_state
def revoke_token(token: ApiToken, *, acting_user: Actor) -> ApiToken:
    """Stop a token working, at once and for good. Revoking one already revoked changes nothing."""
    _may_for(acting_user, token.owner)
    if token.revoked_at is not None:
        raise ValidationError(f"The token {token} was already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(acting_user, "api-token.revoked", token, old={"name": token.name})
    return token
