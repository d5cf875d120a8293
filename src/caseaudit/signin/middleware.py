"""Every signed-in request passes here: a session that has been idle too long, or has lasted too long, is
signed out; a person who still owes their second factor is sent to the step they are on (setting up their
authenticator app, or entering a code) from every page but those steps and signing out; a person who has
just set one up sees their recovery codes before anything else. Anonymous visitors (the sign-in page, the
public feedback form) pass untouched."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from . import second_factor
from .events import session_ended
from .sessions import why_ended

# The pages a person may open before their second factor is done.
STEPS = {"login", "logout", "signin:code", "signin:set-up"}
# Pages for people without an account (the feedback form) and for machines (the health check): whoever opens
# them, this middleware stays out.
PUBLIC = {"feedback:form", "healthz"}
PENDING_CODES = "signin.recovery_codes"  # the codes just made, in the session until the person saved them


def ended_message(why: str) -> str:
    if why == "idle":
        return f"You were signed out after {settings.CASEAUDIT_IDLE_MINUTES} minutes without activity"
    return f"You were signed out because you signed in more than {settings.CASEAUDIT_SESSION_HOURS} hours ago"


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _to(name: str, request: HttpRequest) -> HttpResponse:
    """Go to a step, coming back afterwards to the page asked for (for a page one can go back to)."""
    url = reverse(name)
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


class SignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _view_name(request)
        if request.user.is_authenticated and name not in PUBLIC:
            why = why_ended(request)
            if why is not None:
                session_ended(request, request.user, why)
                logout(request)
                messages.info(request, ended_message(why))
                return redirect(settings.LOGIN_URL)
            if second_factor.required() and not request.user.is_verified():  # type: ignore[attr-defined]
                if name not in STEPS:
                    has_app = second_factor.has_authenticator(request.user)
                    return _to("signin:code" if has_app else "signin:set-up", request)
            elif PENDING_CODES in request.session and name not in {"signin:recovery-codes", "logout"}:
                return _to("signin:recovery-codes", request)
        return self.get_response(request)
