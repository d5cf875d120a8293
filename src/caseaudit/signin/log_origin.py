"""Every web request's entries in the access log and the security log carry the client's address: this
middleware hands it to the log writer (`caseaudit.accounts.origin`) for the length of the request. It comes
first, so that the sign-in steps and the session limits record their events with it too."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from caseaudit.accounts import origin
from caseaudit.web.client import client_address


class LogOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin.web_request(client_address(request)):
            return self.get_response(request)
