"""Safeguarding concern pages: raise one from an audit, the list (open first), and one concern with the
manager's response. Every concern is read through `concerns_visible_to`; raising and answering are the
action functions of `improvement.actions.concerns`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.audits.models import Audit
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.ui.submission import submit

from .actions.concerns import escalate_concern, respond_to_concern
from .escalation import escalation_of
from .forms import RaiseConcernForm, RespondForm
from .models import SafeguardingConcern
from .scoping import concerns_visible_to


def _audit_url(audit: Audit) -> str | None:
    try:
        return reverse("audits:detail", args=[audit.pk])
    except NoReverseMatch:
        return None


def _concern_url(concern: SafeguardingConcern) -> str:
    return reverse("improvement:detail", args=[concern.pk])


@policy.capability_required(policy.LIST_CONCERNS)
@require_http_methods(["GET", "HEAD"])
def concern_list(request: HttpRequest) -> HttpResponse:
    concerns = (
        concerns_visible_to(request.user)
        .select_related("case", "case__team", "raised_by", "responded_by")
        .order_by(F("responded_at").desc(nulls_first=True), "-raised_at")
    )
    rows = list(concerns)
    record_access(request.user, "view", "concern-list", "", f"{len(rows)} concerns")
    return render(
        request,
        "improvement/concern_list.html",
        {
            "open": [c for c in rows if c.is_open],
            "closed": [c for c in rows if not c.is_open],
        },
    )


def _say_who_was_told(request: HttpRequest, concern: SafeguardingConcern) -> None:
    """Exactly who has the concern, said after the commit, when the emails have been handed to the mail
    server (or not): a success only when a team manager's email was accepted; otherwise a warning that
    tells the auditor to phone. Said here rather than by `submit`, whose message is always a success."""
    escalation = escalation_of(concern)
    if escalation.manager_emailed:
        messages.success(request, escalation.summary())
    else:
        messages.error(request, escalation.summary())


@policy.capability_required(policy.RAISE_CONCERN)
@require_http_methods(["GET", "HEAD", "POST"])
def raise_concern(request: HttpRequest, audit_pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.RAISE_CONCERN)
    audit = get_object_or_404(audits_visible_to(user).select_related("case", "cycle"), pk=audit_pk)
    policy.require(user, policy.RAISE_CONCERN, audit)
    form = RaiseConcernForm(request.POST if request.method == "POST" else None)

    def page(status: int) -> HttpResponse:
        record_access(user, "view", "audit", audit.pk, "raise a concern")
        context = {"audit": audit, "form": form, "audit_url": _audit_url(audit)}
        return render(request, "improvement/raise.html", context, status=status)

    def raised(data: dict[str, str]) -> SafeguardingConcern:
        concern = escalate_concern(audit, description=data["description"], acting_user=user)
        _say_who_was_told(request, concern)
        return concern

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=raised,
        page=page,
        then=_concern_url,
        field_for="description",
    )


@policy.capability_required(policy.READ_CONCERN)
@require_http_methods(["GET", "HEAD", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.READ_CONCERN)
    concern = get_object_or_404(
        concerns_visible_to(user).select_related("case", "case__team", "audit", "raised_by", "responded_by"),
        pk=pk,
    )
    may_respond = policy.can(user, policy.RESPOND_TO_CONCERN, concern)
    form = RespondForm(request.POST if request.method == "POST" else None)

    def page(status: int) -> HttpResponse:
        record_access(user, "view", "concern", concern.pk)
        context = {
            "concern": concern,
            "escalation": escalation_of(concern),
            "form": form if concern.is_open and may_respond else None,
            "audit_url": _audit_url(concern.audit),
        }
        return render(request, "improvement/concern_detail.html", context, status=status)

    if request.method != "POST":
        return page(200)
    policy.require(user, policy.RESPOND_TO_CONCERN, concern)
    if not concern.is_open:
        messages.info(request, "This concern already has a response.")
        return redirect(_concern_url(concern))
    return submit(
        request,
        form,
        act=lambda data: respond_to_concern(concern, response=data["response"], acting_user=user),
        page=page,
        then=_concern_url(concern),
        done="The response is recorded and the concern is closed.",
        field_for="response",
    )
