"""No response of caseaudit may be kept by a browser or a proxy cache: its pages and downloads hold
children's data, the feedback form's link is a secret, and a shared computer's back button must not show
the last person's pages after they signed out.

The middleware sits after WhiteNoise, so the static files (which WhiteNoise answers itself) stay
cacheable; every response of a view, signed in or not, is marked. That is simpler, and safer, than
deciding page by page which ones hold something private."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private, and an Expires in the past.
        add_never_cache_headers(response)
        return response
