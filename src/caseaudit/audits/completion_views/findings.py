"""The audit's findings (strengths and issues, each tagged with a theme) and the actions it asks of the
case's team, which go to the improvement tracker."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.action_book import action_book
from caseaudit.ui.submission import submit

from .. import completion
from ..actions.completion import add_action, add_finding, remove_action, remove_finding
from ..completion_forms import ActionForm, FindingForm, RemoveByIdForm
from ..models import Audit
from .shared import arguments, audit_to_change, closed_to_changes, conflict, page_context, removal_problems

# The Remove buttons in the two tables: the action each calls, and what the page says once it is done.
_REMOVALS = {
    "remove-finding": (remove_finding, "Finding removed"),
    "remove-action": (remove_action, "Action removed"),
}


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_findings(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    if (closed := closed_to_changes(request, audit)) is not None:
        return closed
    if request.method != "POST":
        return _page(request, user, audit)
    what = request.POST.get("action", "")
    then = reverse("audits:findings", args=[audit.pk])
    if what == "add-finding":
        finding = _finding_form(audit, request.POST)
        return submit(
            request,
            finding,
            act=lambda data: add_finding(audit, **arguments(data), acting_user=user),
            done="Finding added",
            then=then,
            page=lambda status: _page(request, user, audit, finding, status),
        )
    if what == "add-action":
        action = _action_form(audit, request.POST)
        return submit(
            request,
            action,
            act=lambda data: add_action(audit, **arguments(data), acting_user=user),
            done="Action added",
            then=then,
            page=lambda status: _page(request, user, audit, action, status),
        )
    if what in _REMOVALS:
        removal = RemoveByIdForm(request.POST)
        remove, done = _REMOVALS[what]
        return submit(
            request,
            removal,
            act=lambda data: remove(audit, data["item"], expected_version=data["version"], acting_user=user),
            done=done,
            then=then,
            page=lambda status: _page(request, user, audit, removal, status),
        )
    return _page(request, user, audit, problems=["Choose what to do: add a finding or an action."])


def _finding_form(audit: Audit, data: QueryDict | None = None) -> FindingForm:
    initial = {"version": audit.version}
    return FindingForm(data, initial=initial, themes=completion.active_themes(), prefix="finding")


def _action_form(audit: Audit, data: QueryDict | None = None) -> ActionForm:
    initial = {"version": audit.version}
    return ActionForm(data, initial=initial, owners=completion.action_owners(audit), prefix="action")


def _page(
    request: HttpRequest,
    user: User,
    audit: Audit,
    sent: forms.Form | None = None,
    status: int = 200,
    *,
    problems: list[str] | None = None,
) -> HttpResponse:
    """The page, with the form that was `sent` as it was filled in, the others blank."""
    record_access(user, "view", "audit", audit.pk, "findings and actions")
    finding = sent if isinstance(sent, FindingForm) else _finding_form(audit)
    action = sent if isinstance(sent, ActionForm) else _action_form(audit)
    removal = sent if isinstance(sent, RemoveByIdForm) else None
    conflicted = conflict(sent, status)  # first: it takes the conflict out of the form's errors
    return render(
        request,
        "audits/findings.html",
        page_context(
            audit,
            user,
            finding_form=finding,
            action_form=action,
            errors=problems or removal_problems(removal),
            conflict=conflicted,
            findings=list(audit.findings.select_related("theme")),
            actions=list(action_book().of_audit(audit)),
            has_themes=completion.active_themes().exists(),
            has_owners=completion.action_owners(audit).exists(),
        ),
        status=status,
    )
