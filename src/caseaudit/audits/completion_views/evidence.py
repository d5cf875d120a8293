"""The evidence sources of the audit: when the record was reviewed, and who else the auditor heard from."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.ui.submission import submit

from .. import completion
from ..actions.completion import record_evidence, remove_evidence
from ..completion_forms import EvidenceForm, RemoveForm
from ..models import Audit, EvidenceSource
from .shared import arguments, audit_to_change, closed_to_changes, conflict, page_context, removal_problems


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    if (closed := closed_to_changes(request, audit)) is not None:
        return closed
    if request.method != "POST":
        return _page(request, user, audit)
    if request.POST.get("action") == "remove":
        removal = RemoveForm(request.POST)
        return submit(
            request,
            removal,
            act=lambda data: remove_evidence(
                audit, data["item"], expected_version=data["version"], acting_user=user
            ),
            done=lambda _: f"Removed: {EvidenceSource(removal.cleaned_data['item']).label}",
            then=reverse("audits:evidence", args=[audit.pk]),
            page=lambda status: _page(request, user, audit, removal, status),
        )
    record = _record_form(audit, request.POST)
    return submit(
        request,
        record,
        act=lambda data: record_evidence(audit, **arguments(data), acting_user=user),
        done=lambda use: f"Recorded: {use.get_source_display()}",
        then=reverse("audits:evidence", args=[audit.pk]),
        page=lambda status: _page(request, user, audit, record, status),
    )


def _record_form(audit: Audit, data: QueryDict | None = None) -> EvidenceForm:
    sources = completion.tool_of(audit).evidence_sources
    return EvidenceForm(data, initial={"version": audit.version}, sources=sources)


def _page(
    request: HttpRequest, user: User, audit: Audit, sent: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    """The page, with the form that was `sent` as it was filled in."""
    record_access(user, "view", "audit", audit.pk, "evidence")
    record = sent if isinstance(sent, EvidenceForm) else _record_form(audit)
    removal = sent if isinstance(sent, RemoveForm) else None
    conflicted = conflict(sent, status)  # first: it takes the conflict out of the form's errors
    return render(
        request,
        "audits/evidence.html",
        page_context(
            audit,
            user,
            form=record,
            conflict=conflicted,
            errors=removal_problems(removal),
            used=list(audit.evidence.all()),
            triangulated=completion.is_triangulated(audit),
            single_source=completion.single_source(audit),
        ),
        status=status,
    )
