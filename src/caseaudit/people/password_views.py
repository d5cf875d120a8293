"""Choosing a password from the single-use link: the only people page open without signing in."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from . import actions
from .forms import ChoosePasswordForm
from .links import LINK_HOURS, user_for_link

# The page the link moves to: the token waits in the session, not in the address.
CHOOSE_PAGE = "choose"
_SESSION_KEY = "people_password_token"


def _private(response: HttpResponse) -> HttpResponse:
    """No cache keeps the page, no Referer header carries the token anywhere, and no log line carries it
    in its path (Django logs every 4xx response's path unless told it has been logged)."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _link_gone(request: HttpRequest) -> HttpResponse:
    # One page for unknown, used and expired links, and for an account switched off since.
    return _private(render(request, "people/link_gone.html", {"hours": LINK_HOURS}, status=404))


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def choose(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link itself puts its token in the session and moves to a page whose address holds none (as
    Django's own password reset does), so the token never reaches a log, a Referer header or the
    browser's history of that page; that page asks for the password."""
    if token != CHOOSE_PAGE:
        if user_for_link(uidb64, token) is None:
            return _link_gone(request)
        request.session[_SESSION_KEY] = token
        return _private(redirect("password:choose", uidb64=uidb64, token=CHOOSE_PAGE))
    person = user_for_link(uidb64, request.session.get(_SESSION_KEY, ""))
    if person is None:
        return _link_gone(request)
    form = ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.choose_password(person, form.cleaned_data["new_password1"], acting_user=person)
        except ValidationError as refusal:
            form.add_error("new_password1", refusal)
        except PermissionDenied:
            return _link_gone(request)
        else:
            request.session.pop(_SESSION_KEY, None)
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    response = render(request, "people/choose_password.html", {"form": form, "person": person})
    add_never_cache_headers(response)
    return response
