"""The case register pages: the register, one case, and the register import.

Every case comes from `cases_visible_to(user)`; a case the user may not see answers 404, exactly like one
that does not exist. State changes go through `caseaudit.cases.actions`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import overload
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import searched_for, shown
from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS
from caseaudit.core.register import COHORT_FACTS, COHORT_KEY_DATES, KEY_DATE_COLUMNS
from caseaudit.core.review_history import Review, reviews_in_care
from caseaudit.core.working_days import england_bank_holidays
from caseaudit.kept import cache_key, kept
from caseaudit.pagination import SortedNarrow, pagination

from .date_sources import sources_of
from .forms import (
    DEFAULT_SORT,
    DEFAULT_STATUS,
    STATUS_CHOICES,
    RegisterFilterForm,
)
from .models import Case, Staff, Team, history_reaches_period_start
from .panels import case_history_context, case_panels_context
from .register_filters import filtered
from .scoping import cases_visible_to, scope_of

PAGE_SIZE = 50

# The columns the register sorts by. Cohorts sort by need (care leaver first), not alphabetically, teams and
# workers by name; the Child Unique ID breaks ties so that pages never shuffle between requests.
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
    # Counts over the whole register or a team's cases are kept until the register changes, where what the
    # person sees depends on the register alone (not on an auditor's allocations).
    user = request.user
    keep = policy.can(user, policy.READ_EVERY_RECORD) or scope_of(user) is not None  # type: ignore[arg-type]
    counts = _KeptCounts(form.register) if keep else None

    page = Paginator(_sorted(filtered(visible, filters), filters, counts), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    status_label = dict(STATUS_CHOICES)[filters["status"]]
    narrowed = any(filters[name] for name in ("q", "cohort", "team", "worker")) or (
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
            "filtered": narrowed,
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


# A sort by a column a filter holds to one value is a sort by Child Unique ID, which an index serves.
_HELD_BY = {"cohort": "cohort", "team": "team", "worker": "worker"}


class _KeptCounts:
    """Counts of the register's cases kept between requests, filed under the register's fingerprint and the
    query counted (scope and filters): at 100,000 cases, counting them is most of a page's time."""

    def __init__(self, register: str) -> None:
        self.register = register

    def count(self, cases: QuerySet[Case]) -> int:
        key = cache_key("register-count", self.register, str(cases.order_by().query))
        return kept(key, cases.order_by().count, dump=lambda n: str(n).encode(), load=int)

    def by_group(self, cases: QuerySet[Case], field: str) -> dict[object, int]:
        key = cache_key("register-groups", self.register, str(cases.query), field)
        return dict(
            kept(
                key,
                lambda: _group_counts(cases, field),
                dump=lambda pairs: json.dumps(pairs).encode(),
                load=lambda data: [tuple(pair) for pair in json.loads(data)],
            )
        )


def _group_counts(cases: QuerySet[Case], field: str) -> list[tuple[object, int]]:
    return list(cases.values_list(field).annotate(n=Count("pk")).order_by())


def _sorted(cases: QuerySet[Case], filters: dict[str, str], counts: _KeptCounts | None) -> Sequence[Case]:
    """The filtered cases in the chosen order, as the paginator reads them: a page at a time, in an order an
    index of the open cases serves (cases/models.py), whatever the register's size. `counts`, where given,
    keeps the counts between requests."""
    column = filters["sort"].lstrip("-")
    descending = filters["sort"].startswith("-")
    if column in _HELD_BY and filters[_HELD_BY[column]]:
        column = "child_id"
    if column in _GROUPS:
        return _GroupedCases(cases, column, descending=descending, counts=counts)
    key = F(column)
    order = key.desc(nulls_last=True) if descending and column != "child_id" else key.asc(nulls_last=True)
    if column == "child_id" and descending:
        order = key.desc()
    # Sorted ids, then the page's rows: where the scope is not one index's range (a team manager's team or
    # their own cases), the database sorts two narrow columns rather than whole cases.
    return SortedNarrow(
        cases,
        order,
        "child_id",
        read=Case.objects.select_related("team", "worker"),
        count=(lambda: counts.count(cases)) if counts else None,
    )


# Sorts by a column of few values, in an order the database cannot index (cohorts by need, teams and
# workers by name): the cases are read a group at a time, each group in Child Unique ID order from its index.
_GROUPS = {"cohort": "cohort", "team": "team_id", "worker": "worker_id"}


class _GroupedCases(Sequence[Case]):
    """The cases ordered by a group (cohort, team or worker; cases without one last either way), then Child
    Unique ID, as the paginator wants them: `len()` from one grouped count, and a page in one query, each of
    its groups' slice read from the index of that group's open cases. So a page takes the same queries however
    many cases and groups there are."""

    def __init__(
        self, cases: QuerySet[Case], column: str, *, descending: bool, counts: _KeptCounts | None
    ) -> None:
        self.cases = cases.order_by()
        self.field = _GROUPS[column]
        sizes = (
            dict(_group_counts(self.cases, self.field))
            if counts is None
            else counts.by_group(self.cases, self.field)
        )
        order = [value for value in _group_order(column) if value in sizes]
        if descending:
            order.reverse()
        ordered = set(order)  # thousands of workers: a list's `in` would compare each with all
        order += [value for value in sizes if value not in ordered and value is not None]
        if None in sizes:
            order.append(None)
        self.groups = [(value, sizes[value]) for value in order]

    def __len__(self) -> int:
        return sum(n for _, n in self.groups)

    @overload
    def __getitem__(self, index: int) -> Case: ...
    @overload
    def __getitem__(self, index: slice) -> list[Case]: ...
    def __getitem__(self, index: int | slice) -> Case | list[Case]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        slices: list[tuple[str, tuple[object, ...]]] = []
        position: dict[object, int] = {}
        first = 0
        for rank, (value, n) in enumerate(self.groups):
            low, high = max(start - first, 0), min(stop - first, n)
            if low < high:
                group = self.cases.filter(
                    **{self.field: value} if value is not None else {f"{self.field}__isnull": True}
                )
                sql, params = group.order_by("child_id").values("pk")[low:high].query.sql_with_params()
                # Each slice as a table of its own, so that its ORDER BY and LIMIT stand in a UNION.
                slices.append((f"SELECT * FROM ({sql}) AS slice{rank}", params))  # noqa: S608 (Django's SQL)
                position[value] = rank
            first += n
        if not slices:
            return []
        # One IN over the slices' union, not an OR of one IN each, which PostgreSQL answers by reading every
        # case: with one, it reads the page's ids from each group's index and then those 50 rows.
        union = " UNION ALL ".join(sql for sql, _ in slices)
        # The slices are Django's own SQL, their values passed as parameters: no text from the request.
        ids = RawSQL(union, tuple(p for _, ps in slices for p in ps))  # noqa: S611
        rows = self.cases.filter(pk__in=ids).select_related("team", "worker")
        return sorted(rows, key=lambda case: (position[getattr(case, self.field)], case.child_id))


def _group_order(column: str) -> list[object]:
    """Every value of the column, in the order the register sorts it ascending."""
    if column == "cohort":
        return list(COHORT_SLUGS)
    model = Team if column == "team" else Staff
    return list(model.objects.order_by("name").values_list("pk", flat=True))


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
    sources = sources_of(case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "cohort_label": COHORT_LABELS.get(case.cohort, case.cohort),
            "key_dates": _dates(case, key_fields, sources),
            "opened_from": sources.get("opened_on", ""),
            "key_answers": _answers(case, COHORT_FACTS.get(case.cohort, ())),
            # Other cohorts' dates matter less here: only those the register holds are listed.
            "other_dates": [
                row
                for row in _dates(case, [f for f in KEY_DATE_COLUMNS if f not in key_fields], sources)
                if row[1]
            ],
            "reviews": _reviews(case),
            "missing": list(case.missing_episodes.all()) if case.cohort == "looked-after" else [],
            **case_panels_context(case),
            # Its audits, actions, concerns and feedback: only what this person may see of each.
            **case_history_context(case, user),
        },
    )


def _reviews(case: Case) -> list[Review]:
    """A looked after child's reviews read exactly from the history the returns brought (reg 33), with the
    next one due. Only where the history reaches back to the start of the period of care (the returns
    hold the episode that began it): otherwise the reviews before the first one held are unknown, nobody
    can say which review that was, and the timescale check reads the latest review as Annex A's."""
    since = case.looked_after_since
    if case.cohort != "looked-after" or since is None:
        return []
    if not Case.objects.filter(pk=case.pk).filter(history_reaches_period_start()).exists():
        return []
    held = list(case.statutory_reviews.values_list("held_on", flat=True))
    return reviews_in_care(since, held, england_bank_holidays(since.year, timezone.localdate().year + 2))


def _answers(case: Case, fields: Iterable[str]) -> list[tuple[str, str]]:
    """(label, answer) pairs for the register's coded answers ("Yes", "Full care order"); "" where it does not
    say."""
    return [(_label(name), getattr(case, f"get_{name}_display")() or "") for name in fields]


def _dates(case: Case, fields: Iterable[str], sources: dict[str, str]) -> list[tuple[str, date | None, str]]:
    """(label, date, where the date came from) for each field."""
    return [(_label(name), getattr(case, name), sources.get(name, "")) for name in fields]


def _label(name: str) -> str:
    """A register column as the case page names it: the model's verbose name ("CP plan start")."""
    return capfirst(str(getattr(Case._meta.get_field(name), "verbose_name", name)))
