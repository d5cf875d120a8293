"""`/api/v1/audits/{id}/draft` and its parts: the auditor's draft read and written through the audit
form's action functions, so every rule of the form holds (only the allocated auditor, only while the
audit may be changed, grades on its scale). Each change names the version it was made on (`If-Match`):
a stale one gets 412 and changes nothing. The draft is the auditor's: the audited team never reads it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from pydantic import ConfigDict

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.draft_view import DRAFT_IS_THE_AUDITORS, as_written, may_read_draft
from caseaudit.audits.models import Audit, Theme
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.locking import EditConflict

from .cases_api import BIGGEST_ID
from .problems import ERRORS, Problem
from .versions import etag, expected_version

router = Router(tags=["audits"])
CHANGE_ERRORS = {412: Problem, 428: Problem, **ERRORS}
Slug = PathParam(..., pattern=r"^[a-z0-9-]{1,60}$")


class SectionWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    grade: str = Field("", max_length=40)
    evidence: str = Field("", max_length=20_000)
    analysis: str = Field("", max_length=20_000)
    answers: dict[str, str] = Field(default_factory=dict, description="question slug: answer")


class EvidenceWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    used_on: date
    note: str = Field("", max_length=300)


class OverallWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    grade: str = Field(..., max_length=40)
    rationale: str = Field("", max_length=20_000)


class FindingWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["strength", "issue"]
    theme: str = Field(..., max_length=60, description="a theme's slug (caseaudit themes lists them)")
    text: str = Field(..., max_length=5000)


class ActionWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(..., max_length=5000)
    owner: str = Field(
        ..., max_length=150, description="the username of a manager or worker of the case's team"
    )
    due_on: date


class SubmitWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    confirm_not_triangulated: bool = Field(
        False, description="submit an audit that rests on the record alone, flagged as such"
    )


def _draft(request: HttpRequest, audit_id: int) -> Audit:
    """An audit whose draft this person may read: its allocated auditor, or the QA team."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    audit = get_object_or_404(audits_visible_to(user).select_related("case", "grade_scale"), pk=audit_id)
    if not may_read_draft(user, audit):
        raise HttpError(403, DRAFT_IS_THE_AUDITORS)
    record_access(user, "view", "audit", audit.pk, "API: draft")
    return audit


def _changed(response: HttpResponse, audit: Audit) -> dict[str, Any]:
    written = as_written(audit)
    response["ETag"] = etag(audit)
    return written


def _change(request: HttpRequest, audit_id: int, change: Any) -> Audit:
    """Make `change(audit, version, user)` with the version If-Match names: 412 if it is stale."""
    audit = _draft(request, audit_id)
    user = policy.person(request.user, policy.COMPLETE_AUDIT)
    policy.require(user, policy.COMPLETE_AUDIT, audit)
    version = expected_version(request, "audit")
    try:
        change(audit, version, user)
    except EditConflict as conflict:
        raise HttpError(412, str(conflict)) from None
    return audit


@router.get("/audits/{audit_id}/draft", response={200: dict[str, Any], **ERRORS}, summary="An audit's draft")
def draft(
    request: HttpRequest, response: HttpResponse, audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> dict[str, Any]:
    """Every section with its questions and what is written, the evidence sources used, the overall grade,
    and what submission still lacks. Its `ETag` names its version, for the next change."""
    return _changed(response, _draft(request, audit_id))


@router.put(
    "/audits/{audit_id}/sections/{section}", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Write a section of the draft",
)  # fmt: skip
def write_section(
    request: HttpRequest, response: HttpResponse, body: SectionWrite, section: str = Slug,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        completing.save_section(
            audit, section, grade=body.grade, evidence=body.evidence, analysis=body.analysis,
            answers=body.answers, expected_version=version, acting_user=user,
        )  # fmt: skip

    return _changed(response, _change(request, audit_id, change))


@router.put(
    "/audits/{audit_id}/evidence/{source}", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Record when a source of evidence was used",
)  # fmt: skip
def write_evidence(
    request: HttpRequest, response: HttpResponse, body: EvidenceWrite, source: str = Slug,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        completing.record_evidence(
            audit, source, used_on=body.used_on, note=body.note, expected_version=version, acting_user=user
        )

    return _changed(response, _change(request, audit_id, change))


@router.put(
    "/audits/{audit_id}/overall", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Write the overall grade and its rationale",
)  # fmt: skip
def write_overall(
    request: HttpRequest, response: HttpResponse, body: OverallWrite,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        completing.save_overall(
            audit, grade=body.grade, rationale=body.rationale, expected_version=version, acting_user=user
        )

    return _changed(response, _change(request, audit_id, change))


@router.post(
    "/audits/{audit_id}/submit", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Submit the audit for moderation",
)  # fmt: skip
def submit(
    request: HttpRequest, response: HttpResponse, body: SubmitWrite,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    """Once it lacks nothing (`lacking` in the draft is empty); an audit on the record alone only with
    `confirm_not_triangulated`."""

    def change(audit: Audit, version: int, user: Any) -> None:
        completing.submit_audit(
            audit, confirm_not_triangulated=body.confirm_not_triangulated, expected_version=version,
            acting_user=user,
        )  # fmt: skip

    return _changed(response, _change(request, audit_id, change))


@router.post(
    "/audits/{audit_id}/start", response={200: dict[str, Any], **CHANGE_ERRORS}, summary="Start the audit"
)
def start(
    request: HttpRequest, response: HttpResponse, audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> dict[str, Any]:
    """The allocated auditor starts the audit: its tool is fixed (the newest version of its kind's, or the
    cycle's), and its sections can be written."""

    def change(audit: Audit, version: int, user: Any) -> None:
        completing.start_audit(audit, expected_version=version, acting_user=user)

    return _changed(response, _change(request, audit_id, change))


@router.post(
    "/audits/{audit_id}/findings", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Add a finding: a strength or an area for development, under a theme",
)  # fmt: skip
def add_finding(
    request: HttpRequest, response: HttpResponse, body: FindingWrite,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        theme = Theme.objects.filter(slug=body.theme, active=True).first()
        if theme is None:
            raise HttpError(422, f"theme: no theme {body.theme!r} is offered (caseaudit themes lists them)")
        completing.add_finding(
            audit, kind=body.kind, theme=theme, text=body.text, expected_version=version, acting_user=user
        )

    return _changed(response, _change(request, audit_id, change))


@router.post(
    "/audits/{audit_id}/actions", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Add an action for the case's team, for the tracker",
)  # fmt: skip
def add_action(
    request: HttpRequest, response: HttpResponse, body: ActionWrite,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        owner = User.objects.filter(username=body.owner).first()
        completing.add_action(
            audit, description=body.description, owner=owner, due_on=body.due_on, expected_version=version,
            acting_user=user,
        )  # fmt: skip

    return _changed(response, _change(request, audit_id, change))


# Taking back what was added: the form's remove buttons, with their rules (an action its owner has worked
# on stays; the QA lead may cancel it).

ItemId = PathParam(..., ge=1, le=BIGGEST_ID)


@router.delete(
    "/audits/{audit_id}/evidence/{source}", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Take a source of evidence off the draft",
)  # fmt: skip
def remove_evidence(
    request: HttpRequest, response: HttpResponse, source: str = Slug,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        completing.remove_evidence(audit, source, expected_version=version, acting_user=user)

    return _changed(response, _change(request, audit_id, change))


@router.delete(
    "/audits/{audit_id}/findings/{finding_id}", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Take a finding off the draft",
)  # fmt: skip
def remove_finding(
    request: HttpRequest, response: HttpResponse, finding_id: int = ItemId,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    def change(audit: Audit, version: int, user: Any) -> None:
        completing.remove_finding(audit, finding_id, expected_version=version, acting_user=user)

    return _changed(response, _change(request, audit_id, change))


@router.delete(
    "/audits/{audit_id}/actions/{action_id}", response={200: dict[str, Any], **CHANGE_ERRORS},
    summary="Take back an action added by mistake",
)  # fmt: skip
def remove_action(
    request: HttpRequest, response: HttpResponse, action_id: int = ItemId,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, Any]:  # fmt: skip
    """While the audit is being written; an action its owner has already worked on is refused (422)."""

    def change(audit: Audit, version: int, user: Any) -> None:
        completing.remove_action(audit, action_id, expected_version=version, acting_user=user)

    return _changed(response, _change(request, audit_id, change))
