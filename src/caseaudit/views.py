"""The service's front door and its error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caseaudit.accounts.models import Role, User


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.sees_child_level_data:
        if user.role == Role.AUDITOR:
            return redirect("audits:mine")  # an auditor's work is their allocated audits
        return redirect("cases:list")
    return render(request, "home.html")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)
