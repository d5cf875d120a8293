"""The service's front door and its error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caseaudit import policy


@policy.signed_in
def home(request: HttpRequest) -> HttpResponse:
    """People who read children's records start from their work; everyone else gets the home page."""
    if policy.can(request.user, policy.HAVE_AUDITS):
        return redirect("audits:mine")  # an auditor's work is their allocated audits
    if policy.can(request.user, policy.READ_CHILD_RECORDS):
        return redirect("cases:list")
    return render(request, "home.html")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)
