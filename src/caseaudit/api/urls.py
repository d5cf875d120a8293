from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from . import views
from .v1 import api


def _for_tokens(patterns: list[Any]) -> list[Any]:
    """The API's views, open to a request without a session: each says who it is with a token, checked
    by the API itself (`auth`), which answers 401 rather than redirecting to the sign-in page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _for_tokens(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name not in ("openapi-json", "openapi-view"):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


api_patterns, api_app, api_namespace = api.urls
urlpatterns = [
    path("api/v1/", (_for_tokens(list(api_patterns)), api_app, api_namespace)),
    path("account/api-tokens/", views.tokens, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
]
