"""The address a request came from: the one function every part of caseaudit asks (the lockout after
failed sign-ins, the access log).

Without a reverse proxy (`CASEAUDIT_BEHIND_PROXY` off) it is the connection's own address, REMOTE_ADDR,
and any X-Forwarded-For header is ignored: a client can send one saying anything.

Behind a proxy every connection comes from the proxy, so the address is the right-most entry of
X-Forwarded-For: the one the proxy itself appended. The entries to its left were sent by the client, and
a client trying to dodge the lockout, or to lock out someone else's office, can write whatever it likes
there. This trusts exactly one proxy, the one in front of caseaudit."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    if getattr(settings, "CASEAUDIT_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        return _address(forwarded.rsplit(",", 1)[-1])
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(text: str) -> str | None:
    """A well-formed IP address, or None: whatever the header says is stored and compared, so nothing but
    an address gets through."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
