"""`/api/v1/cases`: the register as the person may see it, with the register page's filters, and one case
with its key dates, where each came from, and its timescale checks."""

from __future__ import annotations

from datetime import date
from math import ceil

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import searched_for
from caseaudit.cases.date_sources import sources_of
from caseaudit.cases.forms import SORT_COLUMNS, RegisterFilterForm
from caseaudit.cases.models import Case
from caseaudit.cases.register_filters import filtered
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.compliance.queries import case_timescales
from caseaudit.core.register import COHORT_KEY_DATES

router = Router(tags=["cases"])
MOST_A_PAGE = 500
# The register's sorts, as orderings: a name sorts by the name, the Child Unique ID breaks ties.
_ORDERING = {"team": "team__name", "worker": "worker__name"}


class CaseFilters(Schema):
    q: str = ""  # a part of the Child Unique ID
    cohort: str = ""
    team: str = ""  # a team's id
    worker: str = ""  # a worker's id, or "none" for the cases allocated to nobody
    status: str = "open"  # open, closed or all
    sort: str = "child_id"  # child_id, cohort, team, worker or opened_on; "-" before for the reverse
    page: int = 1
    page_size: int = 100


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


def _out(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "child_id": case.child_id,
        "cohort": case.cohort,
        "team": case.team.name if case.team else None,
        "worker": case.worker.name if case.worker else None,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
    }


@router.get("/cases", response=CasePage, summary="List the cases you may see")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, object]:
    """The cases of the register this person may see (their scope, as on the register page), filtered and
    sorted as the register page does, a page at a time (at most 500 a page), with the total."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    visible = cases_visible_to(user)
    form = RegisterFilterForm(filters.dict(exclude={"page", "page_size"}), visible=visible)
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{name}: {' '.join(map(str, e))}" for name, e in form.errors.items()))
    if not 1 <= filters.page_size <= MOST_A_PAGE:
        raise HttpError(422, f"page_size: from 1 to {MOST_A_PAGE}")
    if filters.page < 1:
        raise HttpError(422, "page: 1 or more")
    chosen = form.filters()
    column = chosen["sort"].lstrip("-")
    assert column in SORT_COLUMNS  # the form allows no other
    order = ("-" if chosen["sort"].startswith("-") else "") + _ORDERING.get(column, column)
    cases = filtered(visible, chosen).select_related("team", "worker").order_by(order, "child_id")
    total = cases.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(case) for case in cases[start : start + filters.page_size]]
    record_access(
        user, "view", "case-list", "",
        f"API: {len(items)} of {total} cases, page {filters.page}"
        + (f", search for {searched_for(chosen['q'])}" if chosen["q"] else ""),
    )  # fmt: skip
    return {
        "total": total,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": ceil(total / filters.page_size) if total else 0,
        "items": items,
    }


@router.get("/cases/{case_id}", response=CaseDetail, summary="One case: key dates and timescales")
def case_detail(request: HttpRequest, case_id: int, as_of: date | None = None) -> dict[str, object]:
    """One case this person may see: its key dates, where each came from, and its timescale checks on
    `as_of` (default today), as the case page shows them."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    case = get_object_or_404(cases_visible_to(user).select_related("team", "worker"), pk=case_id)
    record_access(user, "view", "case", case.pk, "API")
    day = as_of or timezone.localdate()
    return {
        **_out(case),
        "key_dates": {name: getattr(case, name) for name in COHORT_KEY_DATES.get(case.cohort, ())},
        "date_sources": sources_of(case),
        "timescales": [
            {
                "check": result.check,
                "label": result.label,
                "kind": result.kind,
                "status": result.status.value,
                "due_date": result.due_date,
                "days_overdue": result.days_overdue,
                "days_late": result.days_late,
                "counts_from": result.anchor_label,
                "source": result.source,
            }
            for result in case_timescales(case, day)
        ],
    }
