"""One action's pages: its details and log with the owner's update form, and the QA lead's decisions
(verify, reopen, cancel, reassign), each asked for on its own page before it is made. Also the QA lead's
form for a cycle's recommendations.

Every action comes from `actions_visible_to(user)`: one the user may not see answers 404; a page the
user may not use answers 403. Every change is an action function of `improvement.actions.tracker`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.ui.submission import submit

from . import tracker
from .actions import tracker as actions
from .models import Action, FollowUpStatus
from .scoping import actions_visible_to
from .tracker_forms import OwnerDueForm, ReasonForm, RecommendationForm, UpdateForm, VerifyForm


def _action(user: User, pk: int) -> Action:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "owner", "owner__staff", "team", "case", "cycle", "audit", "audit__cycle", "created_by"
        ),
        pk=pk,
    )


def _detail_url(action: Action) -> str:
    """The action's page: where every change to it, or a new recommendation, leads."""
    return reverse("actions:detail", args=[action.pk])


def _detail_context(user: User, action: Action, **extra: Any) -> dict[str, Any]:
    may_update = policy.can(user, policy.UPDATE_ACTION, action) and action.status not in tracker.CLOSED
    case = action.case
    follow_up = None
    if case is not None:
        follow_up = case.follow_ups.filter(status=FollowUpStatus.ALLOCATED).select_related("auditor").first()
    return {
        "action": action,
        "cycle": action.cycle or (action.audit.cycle if action.audit else None),
        "owner_name": tracker.person(action.owner),
        "notes": action.notes.select_related("author", "author__staff"),
        "may_see_case": case is not None and cases_visible_to(user).filter(pk=case.pk).exists(),
        "update_form": extra.pop("update_form", None)
        or (UpdateForm(initial={"version": action.version, "status": action.status}) if may_update else None),
        "follow_up": follow_up,
        "days_overdue": action.days_overdue(timezone.localdate()),
        **extra,
    }


@policy.capability_required(policy.USE_TRACKER)
@require_http_methods(["GET", "HEAD"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.USE_TRACKER)
    action = _action(user, pk)
    record_access(user, "view", "action", action.pk)
    return render(request, "improvement/action_detail.html", _detail_context(user, action))


@policy.capability_required(policy.UPDATE_ACTION)
@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.UPDATE_ACTION)
    action = _action(user, pk)
    policy.require(user, policy.UPDATE_ACTION, action)
    form = UpdateForm(request.POST)

    def page(status: int) -> HttpResponse:
        # The refused update is shown on the action's page again: a read, as when it was first opened.
        record_access(user, "view", "action", action.pk)
        context = _detail_context(user, action, update_form=form)
        return render(request, "improvement/action_detail.html", context, status=status)

    return submit(
        request,
        form,
        act=lambda data: actions.update_action(
            action,
            status=data["status"],
            note=data["note"],
            evidence=data["evidence"],
            acting_user=user,
            version=data["version"],
        ),
        page=page,
        then=_detail_url(action),
        done="The action is updated.",
        field_for={tracker.EVIDENCE_REQUIRED: "evidence"},
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
    lambda a, d, u: actions.verify_action(a, note=d["note"], acting_user=u, version=d["version"]),
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
    lambda a, d, u: actions.reopen_action(a, reason=d["reason"], acting_user=u, version=d["version"]),
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
    lambda a, d, u: actions.cancel_action(a, reason=d["reason"], acting_user=u, version=d["version"]),
    "The action is cancelled.",
)


def _decided_action(request: HttpRequest, pk: int) -> tuple[User, Action]:
    """The action, if the person may see it (404 otherwise), and only for the QA lead (403 otherwise)."""
    user = policy.person(request.user, policy.USE_TRACKER)
    action = _action(user, pk)
    policy.require(user, policy.DECIDE_ACTIONS)
    return user, action


def _decide(request: HttpRequest, pk: int, decision: Decision) -> HttpResponse:
    user, action = _decided_action(request, pk)
    if request.method == "POST":
        form = decision.form_class(request.POST)
    else:
        form = decision.form_class(initial={"version": action.version})

    def page(status: int) -> HttpResponse:
        record_access(user, "view", "action", action.pk, decision.url_name.removeprefix("actions:"))
        context = {
            "action": action,
            "form": form,
            "text_field": form[decision.field],
            "decision": decision,
            "owner_name": tracker.person(action.owner),
        }
        return render(request, "improvement/action_decision.html", context, status=status)

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: decision.act(action, data, user),
        page=page,
        then=_detail_url(action),
        done=decision.done,
    )


# Open to everyone who uses the tracker, so that an action they may not see answers 404 before the
# decision answers 403.
@policy.capability_required(policy.USE_TRACKER)
@require_http_methods(["GET", "HEAD", "POST"])
def action_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, VERIFY)


@policy.capability_required(policy.USE_TRACKER)
@require_http_methods(["GET", "HEAD", "POST"])
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, REOPEN)


@policy.capability_required(policy.USE_TRACKER)
@require_http_methods(["GET", "HEAD", "POST"])
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, CANCEL)


@policy.capability_required(policy.USE_TRACKER)
@require_http_methods(["GET", "HEAD", "POST"])
def action_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    user, action = _decided_action(request, pk)
    owners = tracker.owners_for(action)
    if request.method == "POST":
        form = OwnerDueForm(request.POST, owners=owners)
    else:
        form = OwnerDueForm(
            initial={"version": action.version, "owner": action.owner_id, "due_on": action.due_on},
            owners=owners,
        )

    def page(status: int) -> HttpResponse:
        record_access(user, "view", "action", action.pk, "reassign")
        context = {"action": action, "form": form, "owner_name": tracker.person(action.owner)}
        return render(request, "improvement/action_reassign.html", context, status=status)

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: actions.reassign_action(
            action, owner=data["owner"], due_on=data["due_on"], acting_user=user, version=data["version"]
        ),
        page=page,
        then=_detail_url(action),
        done="The owner and due date are saved.",
    )


# Recommendations ------------------------------------------------------------------------------------------


@policy.capability_required(policy.DECIDE_ACTIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def recommend(request: HttpRequest) -> HttpResponse:
    """The QA lead adds a recommendation of a cycle's report (`?cycle=<pk>` chooses the cycle)."""
    user = policy.person(request.user, policy.DECIDE_ACTIONS)
    owners = tracker.recommendation_owners()
    if request.method == "POST":
        form = RecommendationForm(request.POST, owners=owners)
    else:
        cycle = request.GET.get("cycle", "")
        chosen = (
            Cycle.objects.exclude(status=CycleStatus.DRAFT).filter(pk=int(cycle)).first()
            if cycle.isdigit()
            else None
        )
        form = RecommendationForm(initial={"cycle": chosen.pk if chosen else None}, owners=owners)

    def page(status: int) -> HttpResponse:
        context = {"form": form, "cancel_url": reverse("actions:meeting")}
        return render(request, "improvement/recommend.html", context, status=status)

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: actions.add_recommendation(
            data["cycle"],
            text=data["text"],
            owner=data["owner"],
            team=data["team"],
            due_on=data["due_on"],
            acting_user=user,
        ),
        page=page,
        then=_detail_url,
        done="The recommendation is added to the tracker.",
    )
