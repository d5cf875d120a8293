"""One action's pages: its details and log with the owner's update form, and the QA lead's decisions
(verify, reopen, cancel, reassign), each asked for on its own page before it is made. Also the QA lead's
form for a cycle's recommendations.

Every action comes from `actions_visible_to(user)`: one the user may not see answers 404; a page the
user's role may not use answers 403. Every change goes through `caseaudit.improvement.tracker`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.locking import EditConflict

from . import tracker
from .models import Action, FollowUpStatus
from .tracker_forms import OwnerDueForm, ReasonForm, RecommendationForm, UpdateForm, VerifyForm
from .tracker_views import tracker_user

CONFLICT_STATUS = 409


def _action(user: User, pk: int) -> Action:
    return get_object_or_404(
        tracker.actions_visible_to(user).select_related(
            "owner", "owner__staff", "team", "case", "cycle", "audit", "audit__cycle", "created_by"
        ),
        pk=pk,
    )


def _detail_context(user: User, action: Action, **extra: Any) -> dict[str, Any]:
    may_update = tracker.may_update(user, action) and action.status not in tracker.CLOSED
    case = action.case
    follow_up = None
    if case is not None:
        follow_up = case.follow_ups.filter(status=FollowUpStatus.ALLOCATED).select_related("auditor").first()
    return {
        "action": action,
        "cycle": action.cycle or (action.audit.cycle if action.audit else None),
        "owner_name": tracker.person(action.owner),
        "notes": action.notes.select_related("author", "author__staff"),
        "may_see_case": case is not None and user.sees_child_level_data and _sees_case(user, action),
        "update_form": extra.pop("update_form", None)
        or (UpdateForm(initial={"version": action.version, "status": action.status}) if may_update else None),
        "is_qa_lead": user.is_qa_lead,
        "follow_up": follow_up,
        "days_overdue": action.days_overdue(timezone.localdate()),
        **extra,
    }


def _sees_case(user: User, action: Action) -> bool:
    return action.case_id is not None and cases_visible_to(user).filter(pk=action.case_id).exists()


@require_http_methods(["GET", "HEAD"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = tracker_user(request)
    action = _action(user, pk)
    record_access(user, "view", "action", action.pk)
    return render(request, "improvement/action_detail.html", _detail_context(user, action))


@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = tracker_user(request)
    action = _action(user, pk)
    if not tracker.may_update(user, action):
        raise PermissionDenied
    form = UpdateForm(request.POST)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            tracker.update_action(
                action,
                status=data["status"],
                note=data["note"],
                evidence=data["evidence"],
                acting_user=user,
                version=data["version"],
            )
        except EditConflict as exc:
            form.add_action_error(exc)
            status = CONFLICT_STATUS
        except ValidationError as exc:
            field = "evidence" if tracker.EVIDENCE_REQUIRED in exc.messages else None
            for message in exc.messages:
                form.add_error(field, message)
        else:
            messages.success(request, "The action is updated.")
            return redirect("actions:detail", action.pk)
    return render(
        request,
        "improvement/action_detail.html",
        _detail_context(user, action, update_form=form),
        status=status,
    )


# The QA lead's decisions: each asked for on its own page --------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One of the QA lead's decisions, as its confirmation page asks for it."""

    heading: str  # "Verify the action"
    explanation: str
    url_name: str
    field: str  # the form's text field: a note or a reason
    button_class: str  # the GOV.UK button's modifier: "", "govuk-button--secondary", "govuk-button--warning"
    form_class: type[VerifyForm] | type[ReasonForm]
    act: Callable[[Action, dict[str, Any], User], object]
    done: str


VERIFY = Decision(
    "Verify the action",
    "Verify only when the evidence shows the action was done. A verified action is closed.",
    "actions:verify",
    "note",
    "",
    VerifyForm,
    lambda a, d, u: tracker.verify_action(a, note=d["note"], acting_user=u, version=d["version"]),
    "The action is verified.",
)
REOPEN = Decision(
    "Reopen the action",
    "The action goes back to open, and its owner works on it again. Say why: the reason is added to its "
    "notes.",
    "actions:reopen",
    "reason",
    "govuk-button--secondary",
    ReasonForm,
    lambda a, d, u: tracker.reopen_action(a, reason=d["reason"], acting_user=u, version=d["version"]),
    "The action is open again.",
)
CANCEL = Decision(
    "Cancel the action",
    "A cancelled action leaves the meeting's list. Say why it is no longer needed: the reason is kept with "
    "it.",
    "actions:cancel",
    "reason",
    "govuk-button--warning",
    ReasonForm,
    lambda a, d, u: tracker.cancel_action(a, reason=d["reason"], acting_user=u, version=d["version"]),
    "The action is cancelled.",
)


def _decide(request: HttpRequest, pk: int, decision: Decision) -> HttpResponse:
    user = tracker_user(request)
    action = _action(user, pk)
    if not user.is_qa_lead:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = decision.form_class(request.POST)
        if form.is_valid():
            try:
                decision.act(action, form.cleaned_data, user)
            except EditConflict as exc:
                form.add_action_error(exc)
                status = CONFLICT_STATUS
            except ValidationError as exc:
                form.add_action_error(exc)
                status = 400
            else:
                messages.success(request, decision.done)
                return redirect("actions:detail", action.pk)
    else:
        form = decision.form_class(initial={"version": action.version})
    context = {
        "action": action,
        "form": form,
        "text_field": form[decision.field],
        "decision": decision,
        "owner_name": tracker.person(action.owner),
    }
    return render(request, "improvement/action_decision.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def action_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, VERIFY)


@require_http_methods(["GET", "HEAD", "POST"])
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, REOPEN)


@require_http_methods(["GET", "HEAD", "POST"])
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, CANCEL)


@require_http_methods(["GET", "HEAD", "POST"])
def action_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    user = tracker_user(request)
    action = _action(user, pk)
    if not user.is_qa_lead:
        raise PermissionDenied
    owners = tracker.owners_for(action)
    status = 200
    if request.method == "POST":
        form = OwnerDueForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                tracker.reassign_action(
                    action,
                    owner=data["owner"],
                    due_on=data["due_on"],
                    acting_user=user,
                    version=data["version"],
                )
            except EditConflict as exc:
                form.add_action_error(exc)
                status = CONFLICT_STATUS
            except ValidationError as exc:
                form.add_action_error(exc)
                status = 400
            else:
                messages.success(request, "The owner and due date are saved.")
                return redirect("actions:detail", action.pk)
    else:
        form = OwnerDueForm(
            initial={"version": action.version, "owner": action.owner_id, "due_on": action.due_on},
            owners=owners,
        )
    return render(
        request,
        "improvement/action_reassign.html",
        {"action": action, "form": form, "owner_name": tracker.person(action.owner)},
        status=status,
    )


# Recommendations ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def recommend(request: HttpRequest) -> HttpResponse:
    """The QA lead adds a recommendation of a cycle's report (`?cycle=<pk>` chooses the cycle)."""
    user = tracker_user(request)
    if not user.is_qa_lead:
        raise PermissionDenied
    owners = tracker.recommendation_owners()
    if request.method == "POST":
        form = RecommendationForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = tracker.add_recommendation(
                    data["cycle"],
                    text=data["text"],
                    owner=data["owner"],
                    team=data["team"],
                    due_on=data["due_on"],
                    acting_user=user,
                )
            except ValidationError as exc:
                form.add_action_error(exc)
            else:
                messages.success(request, "The recommendation is added to the tracker.")
                return redirect("actions:detail", action.pk)
    else:
        cycle = request.GET.get("cycle", "")
        chosen = (
            Cycle.objects.exclude(status=CycleStatus.DRAFT).filter(pk=int(cycle)).first()
            if cycle.isdigit()
            else None
        )
        form = RecommendationForm(initial={"cycle": chosen.pk if chosen else None}, owners=owners)
    return render(
        request,
        "improvement/recommend.html",
        {"form": form, "cancel_url": reverse("actions:meeting")},
    )
