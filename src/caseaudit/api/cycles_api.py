"""`/api/v1/cycles`: audit cycles planned as on the planning page (a draft to review, its sample with the
reason each case is in it, then confirmed and allocated), and each cycle's progress."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja import Path as PathParam
from ninja.errors import HttpError
from pydantic import ConfigDict

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.cycles.actions import allocate_cycle, confirm_cycle, discard_draft, plan_cycle, swap_case
from caseaudit.cycles.models import Cycle
from caseaudit.cycles.planning import propose_cycle
from caseaudit.cycles.progress import ProgressRow, cycle_progress

from .cases_api import BIGGEST_ID, Cohort
from .problems import ERRORS, Problem
from .reports_api import AuditType

router = Router(tags=["cycles"])


class ProgressOut(Schema):
    label: str
    counts: dict[str, int]
    overdue: int


class CycleOut(Schema):
    id: int
    name: str
    audit_type: str
    status: str
    starts_on: date
    ends_on: date
    audits: int


class CycleDetail(CycleOut):
    window_ended: bool
    withdrawn: int
    total: ProgressOut
    by_auditor: list[ProgressOut]
    by_cohort: list[ProgressOut]


def _cycle(cycle: Cycle) -> dict[str, object]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "audit_type": cycle.audit_type,
        "status": cycle.status,
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "audits": cycle.audits.count(),
    }


def _row(row: ProgressRow) -> dict[str, object]:
    return {"label": row.label, "counts": dict(row.counts), "overdue": row.overdue}


@router.get("/cycles", response={200: list[CycleOut], **ERRORS}, summary="Audit cycles")
def list_cycles(request: HttpRequest) -> list[dict[str, object]]:
    policy.person(request.user, policy.PLAN_CYCLES)
    return [_cycle(cycle) for cycle in Cycle.objects.order_by("-pk")]


@router.get("/cycles/{cycle_id}", response={200: CycleDetail, **ERRORS}, summary="A cycle's progress")
def cycle_detail(
    request: HttpRequest, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> dict[str, object]:
    """A cycle and its progress: audits by status for each auditor and cohort, and how many are overdue.
    Counts and names of auditors only: no child is named."""
    policy.person(request.user, policy.PLAN_CYCLES)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    progress = cycle_progress(cycle, today=timezone.localdate())
    return {
        **_cycle(cycle),
        "window_ended": progress.is_overdue,
        "withdrawn": progress.withdrawn,
        "total": _row(progress.total),
        "by_auditor": [_row(row) for row in progress.by_auditor],
        "by_cohort": [_row(row) for row in progress.by_cohort],
    }


class CyclePlan(Schema):
    model_config = ConfigDict(extra="forbid")

    season: Literal["autumn", "spring", "custom"]
    year: int = Field(..., ge=2000, le=2100)
    audit_type: AuditType = CASE_FILE
    fraction: float | None = Field(None, gt=0, le=1, description="the share of open cases to sample")
    size: int | None = Field(None, ge=1, le=100_000, description="or how many cases")
    focus: Cohort = ""
    focus_reason: str = Field("", max_length=300)
    starts_on: date | None = Field(None, description="a custom cycle's start")
    ends_on: date | None = Field(None, description="a custom cycle's deadline")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="the same seed, the same sample")


class SampledCase(Schema):
    audit_id: int
    case_id: int
    child_id: str
    cohort: str
    reason: str
    auditor: str | None


class Swap(Schema):
    model_config = ConfigDict(extra="forbid")

    remove_audit_id: int = Field(..., ge=1, le=BIGGEST_ID, description="the audit of the case taken out")
    add_child_id: str = Field(..., min_length=1, max_length=40, description="the case put in its place")
    reason: str = Field(..., min_length=1, max_length=1000, description="why, for the sample's record")


class Allocated(Schema):
    assigned: int
    unassigned: dict[str, str]  # audit id: why no auditor could take it


def _planned(request: HttpRequest, cycle_id: int) -> Cycle:
    policy.person(request.user, policy.PLAN_CYCLES)
    return get_object_or_404(Cycle, pk=cycle_id)


@router.post(
    "/cycles", response={200: CycleDetail, 409: Problem, **ERRORS}, summary="Plan a cycle, as a draft"
)
def plan(request: HttpRequest, plan: CyclePlan) -> dict[str, object]:
    """A draft cycle with its sample, as the planning page proposes it: review the sample
    (`GET /cycles/{id}/sample`), then confirm and allocate it."""
    user = policy.person(request.user, policy.PLAN_CYCLES)
    proposal = propose_cycle(
        season=plan.season,
        year=plan.year,
        focus=plan.focus,
        fraction=plan.fraction,
        size=plan.size,
        seed=plan.seed,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        audit_type=plan.audit_type,
    )
    if Cycle.objects.filter(name=proposal.name).exists():
        raise HttpError(
            409, f"There is already a cycle called {proposal.name!r}: plan another season or year."
        )
    cycle = plan_cycle(
        proposal, acting_user=user, fraction=plan.fraction, size=plan.size, focus_reason=plan.focus_reason
    )
    return cycle_detail(request, cycle.pk)


@router.get(
    "/cycles/{cycle_id}/sample", response={200: list[SampledCase], **ERRORS}, summary="A cycle's sample"
)
def sample(
    request: HttpRequest, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> list[dict[str, object]]:
    """Each case in the cycle, why the planner chose it, and its auditor once allocated."""
    cycle = _planned(request, cycle_id)
    audits = cycle.audits.select_related("case", "auditor").order_by("case__child_id")
    record_access(request.user, "view", "cycle-sample", cycle.pk, "API")
    return [
        {
            "audit_id": audit.pk,
            "case_id": audit.case_id,
            "child_id": audit.case.child_id,
            "cohort": audit.cohort,
            "reason": audit.reason,
            "auditor": audit.auditor.username if audit.auditor else None,
        }
        for audit in audits
    ]


@router.post(
    "/cycles/{cycle_id}/swap", response={200: list[SampledCase], **ERRORS}, summary="Swap a case in a draft"
)
def swap(
    request: HttpRequest, body: Swap, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> list[dict[str, object]]:
    """Take a case out of a draft's sample and put an eligible one in its place, with the reason, as the
    planning page does (open on the cycle's start, not audited or planned in the 12 months before).
    Answers with the sample as it now is."""
    cycle = _planned(request, cycle_id)
    remove = get_object_or_404(cycle.audits, pk=body.remove_audit_id)
    swap_case(
        cycle, remove=remove, add_child_id=body.add_child_id, reason=body.reason,
        acting_user=request.user,  # type: ignore[arg-type]
    )  # fmt: skip
    return sample(request, cycle.pk)


@router.delete("/cycles/{cycle_id}", response={204: None, **ERRORS}, summary="Discard a draft cycle")
def discard(request: HttpRequest, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)) -> Status[None]:
    """A draft only, with its sample; the history keeps what it was. A confirmed cycle is refused (422)."""
    cycle = _planned(request, cycle_id)
    discard_draft(cycle, acting_user=request.user)  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/cycles/{cycle_id}/confirm", response={200: CycleDetail, **ERRORS}, summary="Confirm a draft")
def confirm(request: HttpRequest, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)) -> dict[str, object]:
    cycle = _planned(request, cycle_id)
    confirm_cycle(cycle, acting_user=request.user)  # type: ignore[arg-type]
    return cycle_detail(request, cycle.pk)


@router.post("/cycles/{cycle_id}/allocate", response={200: Allocated, **ERRORS}, summary="Allocate a cycle")
def allocate(request: HttpRequest, cycle_id: int = PathParam(..., ge=1, le=BIGGEST_ID)) -> dict[str, object]:
    """Give every audit without an auditor to one: balanced loads and cohorts, within each auditor's
    capacity, never a case of the auditor's own team. Says which audits no auditor could take, and why."""
    cycle = _planned(request, cycle_id)
    done = allocate_cycle(cycle, acting_user=request.user)  # type: ignore[arg-type]
    return {"assigned": len(done.assigned), "unassigned": {str(k): v for k, v in done.unassigned.items()}}
