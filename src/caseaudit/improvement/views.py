"""Safeguarding concern pages: raise one from an audit, the list (open first), and one concern with the
manager's response. Every concern is read through `concerns_visible_to`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit
from caseaudit.audits.scoping import audits_visible_to

from .escalation import concerns_visible_to, escalate_concern, may_raise, may_respond, respond_to_concern
from .forms import RaiseConcernForm, RespondForm

LIST_ROLES = (Role.QA_LEAD, Role.MODERATOR, Role.TEAM_MANAGER)
RAISE_ROLES = (Role.QA_LEAD, Role.MODERATOR, Role.AUDITOR)


def _user(request: HttpRequest, roles: tuple[str, ...]) -> User:
    user = request.user
    if not isinstance(user, User) or not (user.sees_child_level_data and user.role in roles):
        raise PermissionDenied
    return user


def _audit_url(audit: Audit) -> str | None:
    try:
        return reverse("audits:detail", args=[audit.pk])
    except NoReverseMatch:
        return None


@require_http_methods(["GET", "HEAD"])
def concern_list(request: HttpRequest) -> HttpResponse:
    user = _user(request, LIST_ROLES)
    concerns = (
        concerns_visible_to(user)
        .select_related("case", "case__team", "raised_by", "responded_by")
        .order_by(F("responded_at").desc(nulls_first=True), "-raised_at")
    )
    rows = list(concerns)
    record_access(user, "view", "concern-list", "", f"{len(rows)} concerns")
    return render(
        request,
        "improvement/concern_list.html",
        {
            "open": [c for c in rows if c.is_open],
            "closed": [c for c in rows if not c.is_open],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def raise_concern(request: HttpRequest, audit_pk: int) -> HttpResponse:
    user = _user(request, RAISE_ROLES)
    audit = get_object_or_404(audits_visible_to(user).select_related("case", "cycle"), pk=audit_pk)
    if not may_raise(user, audit):
        raise PermissionDenied
    form = RaiseConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = escalate_concern(
                audit,
                description=form.cleaned_data["description"],
                acting_user=user,
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error("description", exc.messages)
        else:
            managers = concern.notified.exclude(role=Role.QA_LEAD).count()
            if managers:
                messages.success(request, "The concern is recorded and the team manager has been emailed.")
            else:
                messages.warning(
                    request,
                    "The concern is recorded, but no team manager could be emailed: the case has no team "
                    "manager with an account and an email address. The QA lead has been emailed instead.",
                )
            return redirect("improvement:detail", concern.pk)
    return render(
        request,
        "improvement/raise.html",
        {"audit": audit, "form": form, "audit_url": _audit_url(audit)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, (*LIST_ROLES, Role.AUDITOR))
    concern = get_object_or_404(
        concerns_visible_to(user).select_related("case", "case__team", "audit", "raised_by", "responded_by"),
        pk=pk,
    )
    can_respond = concern.is_open and may_respond(user, concern)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_respond(user, concern):
            raise PermissionDenied
        if not concern.is_open:
            messages.info(request, "This concern already has a response.")
            return redirect("improvement:detail", concern.pk)
        if form.is_valid():
            try:
                respond_to_concern(concern, response=form.cleaned_data["response"], acting_user=user)
            except ValidationError as exc:
                form.add_error("response", exc.messages)
            else:
                messages.success(request, "The response is recorded and the concern is closed.")
                return redirect("improvement:detail", concern.pk)
    else:
        record_access(user, "view", "concern", concern.pk)
    return render(
        request,
        "improvement/concern_detail.html",
        {
            "concern": concern,
            "notified": concern.notified.order_by("role", "username"),
            "form": form if can_respond else None,
            "audit_url": _audit_url(concern.audit),
            "may_list": user.role in LIST_ROLES,
        },
    )
