"""The compliance pages: counts per check and cohort, and the cases behind each count.

Who sees what: the counts cover the cases the person may see (`cases_visible_to`: the whole register for
the QA team, a team manager's team, a worker's own caseload, an auditor's allocated cases); a senior leader
sees the counts of the whole register and no child-level list (the drill-down answers 403). Each page reads
the cases in one query, whatever their number."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, overload
from urllib.parse import urlencode

import polars as pl
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.timescales import RuleSet, Status
from caseaudit.pagination import pagination
from caseaudit.read_replica import reports_read_replica

from .display import (
    SHOWN_STATUSES,
    STATUS_COLUMNS,
    STATUS_LABELS,
    STATUS_TAG_CLASSES,
    check_label,
    kind_label,
    rule_records,
    status_text,
)
from .forms import ComplianceFilterForm, filter_query
from .queries import (
    allocations,
    filter_results,
    open_cases,
    results_visible_to,
    summary_for,
    timescale_rules,
)
from .review_breaches import reviews_held_late

PAGE_SIZE = 50

# What the counts cover, in the words of the page, by the records the person may read.
_SCOPES = (
    (policy.READ_EVERY_RECORD, "every open case in the register"),
    (policy.READ_TEAM_RECORDS, "the open cases of your team"),
    (policy.READ_OWN_RECORDS, "your open cases"),
    (policy.READ_ALLOCATED_RECORDS, "the open cases of the audits allocated to you"),
)
COUNTS_ONLY = "every open case in the register (counts only)"


def _scope(user: User) -> str:
    return next((words for capability, words in _SCOPES if policy.can(user, capability)), COUNTS_ONLY)


def _cases_in_scope(user: User) -> QuerySet[Case]:
    """The cases the summary counts: a team's for those who read their team's records, else every case."""
    if policy.can(user, policy.READ_CHILD_RECORDS) and not policy.can(user, policy.READ_EVERY_RECORD):
        return cases_visible_to(user)
    return Case.objects.all()


@policy.capability_required(policy.READ_COMPLIANCE)
@require_safe
@reports_read_replica
def summary(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.READ_COMPLIANCE)
    rules = timescale_rules()
    today = timezone.localdate()
    form = ComplianceFilterForm(request.GET, rules=rules, today=today)
    filters = form.filters()
    counts, cases = summary_for(user, filters["as_of"], rules, filters["cohort"], filters["check"])
    drill_down = policy.can(user, policy.READ_CHILD_RECORDS)
    rows = []
    for row in counts.iter_rows(named=True):
        cells = []
        for status in SHOWN_STATUSES:
            count = row[STATUS_COLUMNS[status]]
            href = None
            if drill_down and count:
                query = filter_query({**filters, "cohort": row["cohort"], "check": ""}, today)
                href = reverse("compliance:cases", args=[row["check"], status.value])
                href += "?" + urlencode(query) if query else ""
            cells.append({"count": count, "href": href, "status": STATUS_LABELS[status].lower()})
        rows.append(
            {
                "check": check_label(rules, row["check"]),
                "kind": _kind(rules, row["check"]),
                "cohort": COHORT_LABELS.get(row["cohort"], row["cohort"]),
                "applicable": row["applicable"],
                "cells": cells,
                "done_late": row["done_late"],
            }
        )
    return render(
        request,
        "compliance/summary.html",
        {
            "form": form,
            "filters": filters,
            "filtered": bool(filters["cohort"] or filters["check"] or filters["as_of"] != today),
            "rows": rows,
            "statuses": [STATUS_LABELS[status] for status in SHOWN_STATUSES],
            "cases": cases,
            "scope": _scope(user),
            "rules": rules,
            "review_breaches": reviews_held_late(_cases_in_scope(user), filters["as_of"]),
            "rule_records": rule_records(rules),
            "today": today,
        },
    )


def _kind(rules: RuleSet, slug: str) -> str:
    try:
        return kind_label(rules.get(slug).kind)
    except KeyError:  # a check of results kept before the rules changed
        return ""


class _Rows(Sequence[dict[str, Any]]):
    """A result frame as the sequence Paginator wants: its length, and a slice as a list of dicts. Only the
    page shown is turned into Python objects."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __len__(self) -> int:
        return self.frame.height

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            return self.frame.row(index, named=True)
        start, stop, _ = index.indices(self.frame.height)
        return self.frame.slice(start, stop - start).to_dicts()


class _DrillDown(NamedTuple):
    user: User
    rules: RuleSet
    filters: dict[str, Any]
    today: date
    results: pl.DataFrame


def _drill_down(request: HttpRequest, check: str, status: str) -> _DrillDown:
    """The cases behind one count, in the person's scope and with the page's filters: the page and its
    CSV download list exactly the same rows."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    rules = timescale_rules()
    if check not in {rule.slug for rule in rules.rules} or status not in {s.value for s in Status}:
        raise Http404
    today = timezone.localdate()
    form = ComplianceFilterForm(request.GET, rules=rules, today=today)
    filters = {**form.filters(), "check": check}
    results = filter_results(
        results_visible_to(user, filters["as_of"], rules),
        cohort=filters["cohort"],
        checks=[check],
        statuses=[status],
    ).sort("due_date", "child_id", nulls_last=True)
    return _DrillDown(user, rules, filters, today, results)


def _logged(filters: dict[str, Any], status: str) -> dict[str, object]:
    """The drill-down's filters as its access-log entry records them."""
    return {
        "check": filters["check"],
        "status": status,
        "cohort": filters["cohort"],
        "as of": filters["as_of"],
    }


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_safe
def cases(request: HttpRequest, check: str, status: str) -> HttpResponse:
    """The cases behind one count: child-level, so not for those who see counts only."""
    user, rules, filters, today, results = _drill_down(request, check, status)
    page: Page[dict[str, Any]] = Paginator(_Rows(results), PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the page's cases are looked up, so the page takes the same queries whatever the count.
    allocated = allocations(
        cases_visible_to(user).filter(pk__in=[row["case_id"] for row in page.object_list])
    )
    for row in page.object_list:
        row["status_text"] = status_text(row["status"], row["days_overdue"])
        row["cohort_label"] = COHORT_LABELS.get(row["cohort"], row["cohort"])
        row["team"], row["worker"] = allocated.get(row["case_id"], ("", ""))
    record_access(
        user,
        "view",
        "compliance",
        detail=shown("cases", len(results), page=page, filters=_logged(filters, status)),
    )
    # The check is in the path; the query carries the date and cohort, for the pages and the way back.
    query = filter_query({**filters, "check": ""}, today)

    def page_href(number: int) -> str:
        return "?" + urlencode({**query, **({"page": number} if number > 1 else {})})

    return render(
        request,
        "compliance/cases.html",
        {
            "check": check,
            "check_label": check_label(rules, check),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "status_class": STATUS_TAG_CLASSES[status],
            "cohort_label": COHORT_LABELS.get(filters["cohort"], ""),
            "as_of": filters["as_of"],
            "today": today,
            "page": page,
            "pagination": pagination(page, page_href),
            "summary_href": reverse("compliance:summary") + ("?" + urlencode(query) if query else ""),
            "csv_href": reverse("compliance:cases-csv", args=[check, status])
            + ("?" + urlencode(query) if query else ""),
            "scope": _scope(user),
        },
    )


CSV_COLUMNS = (
    "child_id",
    "cohort",
    "team",
    "worker",
    "check",
    "due_date",
    "status",
    "days_overdue",
    "days_late",
)


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_safe
def cases_csv(request: HttpRequest, check: str, status: str) -> HttpResponse:
    """The drill-down's rows, every page of them, as CSV: Child Unique IDs only, never names."""
    user, _, filters, _, results = _drill_down(request, check, status)
    allocated = allocations(open_cases(cases_visible_to(user)))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for row in results.iter_rows(named=True):
        team, worker = allocated.get(row["case_id"], ("", ""))
        due = row["due_date"].isoformat() if row["due_date"] else ""
        overdue = "" if row["days_overdue"] is None else row["days_overdue"]
        late = "" if row["days_late"] is None else row["days_late"]
        writer.writerow([row["child_id"], row["cohort"], team, worker, check, due, status, overdue, late])
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    # The file name says what the rows are, never which child.
    cohort = f"-{filters['cohort']}" if filters["cohort"] else ""
    name = f"compliance-{check}-{status}{cohort}-{filters['as_of']:%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    detail = "csv, " + shown("cases", len(results), filters=_logged(filters, status))
    record_access(user, "export", "compliance", detail=detail)
    return response
