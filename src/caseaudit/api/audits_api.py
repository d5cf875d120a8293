"""`/api/v1/audits` and `/api/v1/moderation`: the audits a person may read (an auditor's own drafts, the
audited team's once submitted), the moderators' queue and their decisions, through the same scoped queries
and action functions as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from pydantic import ConfigDict

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.audits.actions.moderation import decide
from caseaudit.audits.listing import audit_row, readable_audits, waiting_for_moderation
from caseaudit.audits.models import Audit
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.locking import EditConflict

from .cases_api import BIGGEST_ID
from .paging import PageAsked, paged
from .problems import ERRORS, Problem
from .versions import etag, expected_version

router = Router(tags=["audits"])
Status = Literal["", "not-started", "in-progress", "submitted", "returned", "moderated", "withdrawn"]


class AuditFilters(PageAsked):
    status: Status = ""
    cycle: int | None = Field(None, ge=1, le=BIGGEST_ID)


class AuditOut(Schema):
    id: int
    case_id: int
    child_id: str
    cohort: str
    cycle: str | None
    status: str
    auditor: str | None
    auditor_grade: str
    moderated_grade: str
    submitted_at: datetime | None
    version: int


class AuditPage(Schema):
    total: int
    page: int
    page_size: int
    pages: int
    items: list[AuditOut]


def _page(audits: QuerySet[Audit], asked: PageAsked) -> tuple[int, dict[str, object]]:
    total = audits.count()
    items = [audit_row(audit) for audit in audits[asked.start : asked.start + asked.page_size]]
    return total, paged(asked, total, items)


@router.get("/audits", response={200: AuditPage, **ERRORS}, summary="The audits you may read")
def list_audits(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, object]:
    """An auditor's own allocations, a team's audits once submitted, every audit for the QA team: as the
    pages show them, newest cycle first."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    audits = readable_audits(user, status=filters.status, cycle_id=filters.cycle)
    total, listed = _page(audits, filters)
    record_access(user, "view", "audit-list", "", f"API: {shown('audits', total)}")
    return listed


@router.get("/audits/{audit_id}", response={200: AuditOut, **ERRORS}, summary="One audit")
def audit_detail(
    request: HttpRequest, response: HttpResponse, audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> dict[str, object]:
    """One audit this person may read. Its `ETag` names its version: a moderation decision sends it back
    as `If-Match`."""
    audit = _visible(request, audit_id)
    response["ETag"] = etag(audit)
    return audit_row(audit)


def _visible(request: HttpRequest, audit_id: int) -> Audit:
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    audit = get_object_or_404(audits_visible_to(user).select_related("case", "cycle", "auditor"), pk=audit_id)
    record_access(user, "view", "audit", audit.pk, "API")
    return audit


class Decision(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["agree", "change", "return"]
    grade: str = Field("", max_length=40, description="the new grade, to change it")
    reason: str = Field("", max_length=5000, description="why the grade changes, to change it")
    comments: str = Field("", max_length=5000, description="what more work is needed, to return it")


@router.post(
    "/audits/{audit_id}/moderation",
    response={200: AuditOut, 412: Problem, 428: Problem, **ERRORS},
    summary="Moderate an audit: agree, change the grade, or return it",
)
def moderate(
    request: HttpRequest,
    response: HttpResponse,
    decision: Decision,
    audit_id: int = PathParam(..., ge=1, le=BIGGEST_ID),
) -> dict[str, object]:
    """A moderator's decision, with the rules of the moderation page: a changed grade needs its reason, a
    return its comments, and nobody moderates an audit they wrote. `If-Match` must carry the `ETag` of the
    audit as read; if it changed since, 412 and nothing is saved."""
    user = policy.person(request.user, policy.MODERATE)
    audit = _visible(request, audit_id)
    policy.require(user, policy.MODERATE, audit)
    version = expected_version(request, "audit")
    try:
        decide(
            audit, decision.decision, grade=decision.grade, reason=decision.reason,
            comments=decision.comments, expected_version=version, acting_user=user,
        )  # fmt: skip
    except EditConflict as conflict:
        raise HttpError(412, str(conflict)) from None
    audit.refresh_from_db()
    response["ETag"] = etag(audit)
    return audit_row(audit)


@router.get("/moderation/queue", response={200: AuditPage, **ERRORS}, summary="Audits waiting for moderation")
def moderation_queue(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, object]:
    """The submitted audits a moderator may decide, the longest waiting first (never their own)."""
    user = policy.person(request.user, policy.MODERATE)
    total, listed = _page(waiting_for_moderation(user), filters)
    record_access(user, "view", "moderation-queue", "", f"API: {shown('waiting', total)}")
    return listed
