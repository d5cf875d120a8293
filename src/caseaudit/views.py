"""The service's error pages. The front door, "Your work", is `caseaudit.work`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.accounts.security_log import Event, record_security_event


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Says who may do what was refused, so that the person knows whom to ask: the policy's sentence
    the refusal carries ("Only the QA lead may reallocate audits."), else that of the capability the view
    declares. Every refusal goes in the security log: who, and the page and capability, never the object."""
    record_refusal(request)
    return render(request, "errors/403.html", {"refusal": refusal_of(request, exception)}, status=403)


def record_refusal(request: HttpRequest) -> None:
    match = getattr(request, "resolver_match", None)
    capability = getattr(match.func, "capability", None) if match else None
    page = match.view_name if match else ""
    asked = f", {capability.slug}" if isinstance(capability, policy.Capability) else ""
    user = request.user if isinstance(request.user, User) else None
    record_security_event(Event.PERMISSION_DENIED, user=user, detail=f"{page or 'a page'}{asked}")


def refusal_of(request: HttpRequest, exception: Exception | None) -> str:
    said = str(exception or "").strip()
    if said:
        return said
    match = getattr(request, "resolver_match", None)
    capability = getattr(match.func, "capability", None) if match else None
    return capability.refused() if isinstance(capability, policy.Capability) else ""


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)
