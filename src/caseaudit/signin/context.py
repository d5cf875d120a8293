from __future__ import annotations

from django.http import HttpRequest

from . import second_factor
from .middleware import PENDING_CODES


def steps(request: HttpRequest) -> dict[str, bool]:
    """`signin_pending`: the person has given their password but still owes their second factor (or has
    recovery codes to save), so the header offers no pages, which would only send them back here."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not second_factor.required():
        return {"signin_pending": False}
    return {"signin_pending": not user.is_verified() or PENDING_CODES in request.session}
