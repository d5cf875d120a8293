"""Check and submit: everything written in the audit, what it still lacks (each linked to the page that puts
it right), and the auditor's confirmation if it rests on the case record alone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.ui.submission import submit

from .. import completion
from ..actions.completion import submit_audit
from ..completion_forms import SubmitForm
from ..models import Audit
from .shared import arguments, audit_to_change, closed_to_changes, conflict, page_context, part_url
from .summary import summary


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    if (closed := closed_to_changes(request, audit)) is not None:
        return closed
    form = SubmitForm(request.POST if request.method == "POST" else None, initial={"version": audit.version})
    if request.method != "POST":
        return _page(request, user, audit, form)
    return submit(
        request,
        form,
        act=lambda data: submit_audit(audit, **arguments(data), acting_user=user),
        done="Audit submitted for moderation",
        then=reverse("audits:detail", args=[audit.pk]),
        page=lambda status: _page(request, user, audit, form, status),
        field_for={completion.NotTriangulated.MESSAGE: "confirm_not_triangulated"},
    )


def _missing(audit: Audit) -> dict[str, str]:
    """What the audit still lacks, each with a link to the page where the auditor puts it right."""
    return {message: part_url(audit, part) for part in completion.parts_of(audit) for message in part.lacking}


def _page(
    request: HttpRequest, user: User, audit: Audit, form: SubmitForm, status: int = 200
) -> HttpResponse:
    record_access(user, "view", "audit", audit.pk, "check and submit")
    conflicted = conflict(form, status)
    missing = _missing(audit)
    # A refused submission lists what is missing, each linked to where to put it right; any other problem
    # links to the form.
    refusals = [str(message) for message in (*form.non_field_errors(), *form["version"].errors)]
    return render(
        request,
        "audits/submit.html",
        page_context(
            audit,
            user,
            form=form,
            conflict=conflicted,
            problems=[(message, missing.get(message, "#submit-form")) for message in refusals],
            missing=list(missing.items()),
            missing_listed=any(message in missing for message in refusals),
            triangulated=completion.is_triangulated(audit),
            single_source=completion.single_source(audit),
            summary=summary(audit),
        ),
        status=status,
    )
