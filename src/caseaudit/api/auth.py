"""How a request to the API says who it is: a personal token (`Authorization: Bearer TOKEN`), or, from the
browser, the signed-in session with its CSRF token. Either way the request then acts as that person, with
their role and scope, and nothing more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from caseaudit.accounts.models import User

from .tokens import over_rate, owner_of


class TooManyRequests(HttpError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"This token made too many requests: wait {retry_after} seconds and try again.")
        self.retry_after = retry_after


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = owner_of(token)
        if found is None:
            return None
        owner, api_token = found
        wait = over_rate(api_token)
        if wait:
            raise TooManyRequests(wait)
        request.user = owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return owner


class SignedInSession(SessionAuth):
    """The browser's session, once the second factor is done (the sign-in middleware sends anyone who
    still owes it to that step). CSRF is checked on every change, as on the pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if isinstance(user, User) and user.is_active else None


AUTH = [PersonalToken(), SignedInSession()]
