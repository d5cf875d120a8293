"""The case register pages: the register, one case, and the register import.

Every case comes from `cases_visible_to(user)`; a case the user may not see answers 404, exactly like one
that does not exist. State changes go through `caseaudit.cases.actions`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import searched_for, shown
from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS
from caseaudit.core.register import COHORT_KEY_DATES, KEY_DATE_COLUMNS
from caseaudit.pagination import pagination

from .forms import (
    DEFAULT_SORT,
    DEFAULT_STATUS,
    STATUS_CHOICES,
    UNALLOCATED,
    RegisterFilterForm,
)
from .models import Case
from .panels import case_history_context, case_panels_context
from .scoping import cases_visible_to

PAGE_SIZE = 50

# Column -> ordering. Cohorts sort by need (care leaver first), not alphabetically; the Child Unique ID
# breaks ties so that pages never shuffle between requests.
_COHORT_RANK = models.Case(
    *(models.When(cohort=slug, then=models.Value(rank)) for rank, slug in enumerate(COHORT_SLUGS)),
    default=models.Value(len(COHORT_SLUGS)),
    output_field=models.IntegerField(),
)
_SORT_KEYS: dict[str, Any] = {
    "child_id": F("child_id"),
    "cohort": _COHORT_RANK,
    "team": F("team__name"),
    "worker": F("worker__name"),
    "opened_on": F("opened_on"),
}
SORT_LABELS = {
    "child_id": "Child Unique ID",
    "cohort": "Cohort",
    "team": "Team",
    "worker": "Allocated worker",
    "opened_on": "Opened",
}


# The register ---------------------------------------------------------------------------------------------


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    visible = cases_visible_to(request.user)
    data = request.GET.copy()
    data.setdefault("status", DEFAULT_STATUS)
    form = RegisterFilterForm(data, visible=visible)
    filters = form.filters()

    cases = _filtered(visible, filters).select_related("team", "worker")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    status_label = dict(STATUS_CHOICES)[filters["status"]]
    filtered = any(filters[name] for name in ("q", "cohort", "team", "worker")) or (
        filters["status"] != DEFAULT_STATUS
    )
    record_access(request.user, "view", "case-list", "", _list_detail(page, filters))
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "status_noun": status_label.lower().removesuffix(" cases"),
            "filtered": filtered,
            # Only asked when the page is empty: is it the filters, or does this person see no cases?
            "nothing_visible": page.paginator.count == 0 and not visible.exists(),
            "sort_headers": _sort_headers(filters),
            "pagination": pagination(page, lambda number: _query(filters, page=number)),
        },
    )


def _list_detail(page: Page[Case], filters: dict[str, str]) -> str:
    """The register's entry in the access log: the rows shown, and the filters by their values (a team and
    a worker by id), with the Child Unique ID searched for, never other text."""
    chosen = {
        "status": filters["status"],
        "cohort": filters["cohort"],
        "team": filters["team"],
        "worker": filters["worker"],
        "search for": searched_for(filters["q"]),
        "sort": "" if filters["sort"] == DEFAULT_SORT else filters["sort"],
    }
    return shown("cases", page.paginator.count, page=page, filters=chosen)


def _filtered(visible: QuerySet[Case], filters: dict[str, str]) -> QuerySet[Case]:
    cases = visible
    if filters["status"] == "open":
        cases = cases.filter(closed_on__isnull=True)
    elif filters["status"] == "closed":
        cases = cases.filter(closed_on__isnull=False)
    if filters["cohort"]:
        cases = cases.filter(cohort=filters["cohort"])
    if filters["team"]:
        cases = cases.filter(team_id=int(filters["team"]))
    if filters["worker"] == UNALLOCATED:
        cases = cases.filter(worker__isnull=True)
    elif filters["worker"]:
        cases = cases.filter(worker_id=int(filters["worker"]))
    if filters["q"]:
        cases = cases.filter(child_id__icontains=filters["q"])
    column = filters["sort"].lstrip("-")
    key = _SORT_KEYS[column]
    order = key.desc(nulls_last=True) if filters["sort"].startswith("-") else key.asc(nulls_last=True)
    return cases.order_by(order, "child_id")


def _query(filters: dict[str, str], **changes: object) -> str:
    """The query string for the register with `changes` applied, leaving out empty values and defaults
    so that links stay short and readable."""
    values: dict[str, object] = {**filters, **changes}
    defaults = {"status": DEFAULT_STATUS, "sort": DEFAULT_SORT, "page": 1}
    kept = {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}
    return "?" + urlencode(kept) if kept else "?"


def _sort_headers(filters: dict[str, str]) -> list[dict[str, str]]:
    headers = []
    for column, label in SORT_LABELS.items():
        if filters["sort"] == column:
            aria_sort, next_sort, hint = "ascending", f"-{column}", "sort descending"
        elif filters["sort"] == f"-{column}":
            aria_sort, next_sort, hint = "descending", column, "sort ascending"
        else:
            aria_sort, next_sort, hint = "none", column, "sort ascending"
        headers.append(
            {"label": label, "aria_sort": aria_sort, "href": _query(filters, sort=next_sort), "hint": hint}
        )
    return headers


# One case -------------------------------------------------------------------------------------------------


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    case = get_object_or_404(cases_visible_to(user).select_related("team", "worker", "manager"), pk=pk)
    record_access(user, "view", "case", case.pk)
    key_fields = COHORT_KEY_DATES.get(case.cohort, ())
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "cohort_label": COHORT_LABELS.get(case.cohort, case.cohort),
            "key_dates": _dates(case, key_fields),
            # Other cohorts' dates matter less here: only those the register holds are listed.
            "other_dates": [
                (label, value)
                for label, value in _dates(case, [f for f in KEY_DATE_COLUMNS if f not in key_fields])
                if value
            ],
            **case_panels_context(case),
            # Its audits, actions, concerns and feedback: only what this person may see of each.
            **case_history_context(case, user),
        },
    )


def _dates(case: Case, fields: Iterable[str]) -> list[tuple[str, date | None]]:
    """(label, date) pairs, labelled with the model's verbose names ("CP plan start")."""
    labels = {field.name: getattr(field, "verbose_name", field.name) for field in Case._meta.get_fields()}
    return [(capfirst(str(labels[name])), getattr(case, name)) for name in fields]
