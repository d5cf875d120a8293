"""`/api/v1/actions`: the improvement tracker's actions and recommendations, with the tracker's filters,
and the owner's update. An update names the version it was made on (`If-Match` with the `ETag` the read
gave): a stale one gets 412 and changes nothing, as a stale page does."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from pydantic import ConfigDict

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.improvement.actions.tracker import update_action
from caseaudit.improvement.meeting import meeting
from caseaudit.improvement.models import Action
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.improvement.tracker import person
from caseaudit.locking import EditConflict

from .cases_api import BIGGEST_ID
from .problems import ERRORS, Problem
from .versions import etag, expected_version

router = Router(tags=["actions"])


class ActionFilters(Schema):
    status: Literal["current", "open", "in-progress", "done", "verified", "cancelled", "all"] = Field(
        "current", description="current: open, in progress, or done and not yet verified"
    )
    kind: Literal["", "action", "recommendation"] = ""
    team: int | None = Field(None, ge=1, le=BIGGEST_ID)
    owner: int | None = Field(None, ge=1, le=BIGGEST_ID, description="the owner's account id")
    cycle: int | None = Field(None, ge=1, le=BIGGEST_ID)


class ActionOut(Schema):
    id: int
    kind: str
    description: str
    status: str
    owner: str
    team: str | None
    case_id: int | None
    cycle: str | None
    due_on: date
    days_overdue: int
    evidence: str
    version: int


class ActionList(Schema):
    open: int
    in_progress: int
    done: int
    verified: int
    cancelled: int
    overdue: int
    items: list[ActionOut]


class ActionUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "in-progress", "done"] | None = None
    note: str = Field("", max_length=5000)
    evidence: str = Field("", max_length=5000, description="what shows it was done: needed to mark it done")


def _out(action: Action, today: date) -> dict[str, object]:
    cycle = action.cycle or (action.audit.cycle if action.audit else None)
    return {
        "id": action.pk,
        "kind": action.kind,
        "description": action.description,
        "status": action.status,
        "owner": person(action.owner),
        "team": action.team.name if action.team else None,
        "case_id": action.case_id,
        "cycle": cycle.name if cycle else None,
        "due_on": action.due_on,
        "days_overdue": action.days_overdue(today),
        "evidence": action.evidence,
        "version": action.version,
    }


@router.get("/actions", response={200: ActionList, **ERRORS}, summary="The tracker's actions")
def list_actions(request: HttpRequest, filters: Query[ActionFilters]) -> dict[str, object]:
    """The actions and recommendations this person may see, filtered as the tracker's meeting view is,
    overdue first, with the counts per status."""
    user = policy.person(request.user, policy.USE_TRACKER)
    today = timezone.localdate()
    params = {name: str(value) for name, value in filters.dict().items() if value not in (None, "")}
    current = meeting(user, params, today=today)
    record_access(
        user,
        "view",
        "action-list",
        "",
        "API: " + shown("actions", len(current.rows), filters=current.filters()),
    )
    # The meeting's counts as they are (`meeting.Counts`), beside the rows.
    return {**asdict(current.counts), "items": [_out(row.action, today) for row in current.rows]}


def _visible(request: HttpRequest, action_id: int) -> Action:
    user = policy.person(request.user, policy.USE_TRACKER)
    related = ("owner", "owner__staff", "team", "cycle", "audit__cycle")
    action = get_object_or_404(actions_visible_to(user).select_related(*related), pk=action_id)
    record_access(user, "view", "action", action.pk, "API")
    return action


@router.get("/actions/{action_id}", response={200: ActionOut, **ERRORS}, summary="One action")
def action_detail(
    request: HttpRequest, response: HttpResponse, action_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> dict[str, object]:
    """One action this person may see. Its `ETag` names its version: send it back as `If-Match` to
    update it."""
    action = _visible(request, action_id)
    response["ETag"] = etag(action)
    return _out(action, timezone.localdate())


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, 409: Problem, 412: Problem, 428: Problem, **ERRORS},
    summary="Update an action (its owner)",
)
def update(
    request: HttpRequest,
    response: HttpResponse,
    change: ActionUpdate,
    action_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, object]:
    """A progress note, a new status (open, in progress, done), or both, with the same rules as the
    action's page: done needs its evidence, a verified or cancelled action only the QA lead can reopen.
    `If-Match` must carry the `ETag` of the version read; if the action changed since, 412 and nothing
    is saved."""
    user = policy.person(request.user, policy.UPDATE_ACTION)
    action = _visible(request, action_id)
    policy.require(user, policy.UPDATE_ACTION, action)
    version = expected_version(request, "action")
    try:
        update_action(
            action,
            status=change.status,
            note=change.note,
            evidence=change.evidence,
            acting_user=user,
            version=version,
        )
    except EditConflict as conflict:
        raise HttpError(412, str(conflict)) from None
    action.refresh_from_db()
    response["ETag"] = etag(action)
    return _out(action, timezone.localdate())
