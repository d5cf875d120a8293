"""`/api/v1/cases`: the register as the person may see it, with the register page's filters, and one case
with its key dates, where each came from, and its timescale checks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import searched_for
from caseaudit.cases.register_filters import filtered
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.compliance.case_summary import case_header, case_summary

from .paging import PageAsked, paged
from .problems import ERRORS

router = Router(tags=["cases"])
# The register's sorts, as orderings: a name sorts by the name, the Child Unique ID breaks ties.
_ORDERING = {"team": "team__name", "worker": "worker__name"}


# Ids as the database keeps them (64-bit): a larger number is refused as input, never sent to the database.
BIGGEST_ID = 2**63 - 1
Cohort = Literal["", "care-leaver", "looked-after", "child-protection", "child-in-need", "early-help"]
Sort = Literal[
    "child_id",
    "-child_id",
    "cohort",
    "-cohort",
    "team",
    "-team",
    "worker",
    "-worker",
    "opened_on",
    "-opened_on",
]


class CaseFilters(PageAsked):
    q: str = Field("", max_length=40, description="a part of the Child Unique ID")
    cohort: Cohort = ""
    team: int | None = Field(None, ge=1, le=BIGGEST_ID, description="a team's id")
    worker: str = Field(
        "", pattern=r"^(|none|[1-9][0-9]{0,17})$", description='a worker\'s id, or "none" for nobody'
    )
    status: Literal["open", "closed", "all"] = "open"
    sort: Sort = Field("child_id", description='"-" before a column for the reverse order')


class CaseOut(Schema):
    id: int
    child_id: str
    cohort: str
    team: str | None
    worker: str | None
    opened_on: date | None
    closed_on: date | None


class CasePage(Schema):
    total: int
    page: int
    page_size: int
    pages: int
    items: list[CaseOut]


class CheckOut(Schema):
    check: str
    label: str
    kind: str
    status: str
    due_date: date | None
    days_overdue: int | None
    days_late: int | None
    counts_from: str
    source: str


class CaseDetail(CaseOut):
    key_dates: dict[str, date | None]
    date_sources: dict[str, str]
    timescales: list[CheckOut]


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List the cases you may see")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, object]:
    """The cases of the register this person may see (their scope, as on the register page), filtered and
    sorted as the register page does, a page at a time (at most 500 a page), with the total."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    visible = cases_visible_to(user)
    # A team or worker outside the person's scope matches none of their cases: an empty page, never a
    # sign of whether that team exists.
    chosen = filters.dict(exclude={"page", "page_size"}) | {"team": str(filters.team or "")}
    column = chosen["sort"].lstrip("-")
    order = ("-" if chosen["sort"].startswith("-") else "") + _ORDERING.get(column, column)
    cases = filtered(visible, chosen).select_related("team", "worker").order_by(order, "child_id")
    total = cases.count()
    items = [case_header(case) for case in cases[filters.start : filters.start + filters.page_size]]
    record_access(
        user, "view", "case-list", "",
        f"API: {len(items)} of {total} cases, page {filters.page}"
        + (f", search for {searched_for(chosen['q'])}" if chosen["q"] else ""),
    )  # fmt: skip
    return paged(filters, total, items)


@router.get(
    "/cases/{case_id}", response={200: CaseDetail, **ERRORS}, summary="One case: key dates and timescales"
)
def case_detail(
    request: HttpRequest, case_id: int = PathParam(..., ge=1, le=BIGGEST_ID), as_of: date | None = None
) -> dict[str, object]:
    """One case this person may see: its key dates, where each came from, and its timescale checks on
    `as_of` (default today), as the case page shows them."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    case = get_object_or_404(cases_visible_to(user).select_related("team", "worker"), pk=case_id)
    record_access(user, "view", "case", case.pk, "API")
    return case_summary(case, as_of or timezone.localdate())
