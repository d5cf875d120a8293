"""The overall grade of the audit and its rationale, beside the grades of its sections."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.ui.submission import submit

from ..actions.completion import save_overall
from ..completion_forms import OverallForm
from ..models import Audit
from .shared import arguments, audit_to_change, closed_to_changes, conflict, page_context
from .summary import summary


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_overall(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    if (closed := closed_to_changes(request, audit)) is not None:
        return closed
    if request.method != "POST":
        initial = {"version": audit.version, "grade": audit.draft_grade, "rationale": audit.overall_rationale}
        return _page(request, user, audit, OverallForm(initial=initial, scale=audit.grade_scale))
    form = OverallForm(request.POST, scale=audit.grade_scale)
    return submit(
        request,
        form,
        act=lambda data: save_overall(audit, **arguments(data), acting_user=user),
        done="Overall grade saved",
        then=reverse("audits:detail", args=[audit.pk]),
        page=lambda status: _page(request, user, audit, form, status),
    )


def _page(
    request: HttpRequest, user: User, audit: Audit, form: OverallForm, status: int = 200
) -> HttpResponse:
    record_access(user, "view", "audit", audit.pk, "overall grade")
    conflicted = conflict(form, status)
    return render(
        request,
        "audits/overall.html",
        page_context(audit, user, form=form, conflict=conflicted, summary=summary(audit)),
        status=status,
    )
