from __future__ import annotations

from django.http import HttpRequest

from . import second_factor


def steps(request: HttpRequest) -> dict[str, bool]:
    """`signin_pending`: the person has given their password but still owes their second factor, so the
    header offers no pages, which would only send them back to the step they are on."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not second_factor.required():
        return {"signin_pending": False}
    return {"signin_pending": not user.is_verified()}
