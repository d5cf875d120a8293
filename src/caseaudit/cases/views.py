"""The case register pages: the register, one case, and the register import.

Every case comes from `cases_visible_to(user)`; a case the user may not see answers 404, exactly like one
that does not exist. State changes go through `caseaudit.cases.actions`."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS
from caseaudit.core.register import COHORT_KEY_DATES, KEY_DATE_COLUMNS

from . import actions
from .forms import (
    DEFAULT_SORT,
    DEFAULT_STATUS,
    STATUS_CHOICES,
    UNALLOCATED,
    ImportConfirmForm,
    ImportUploadForm,
    RegisterFilterForm,
    max_upload_text,
)
from .importing.result import ImportResult
from .importing.table import ImportRefused
from .models import Case
from .scoping import cases_visible_to

PAGE_SIZE = 50
ROW_ERRORS_SHOWN = 200

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


def _child_level_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.sees_child_level_data:
        raise PermissionDenied
    return user


def _qa_lead(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_qa_lead:
        raise PermissionDenied
    return user


# The register ---------------------------------------------------------------------------------------------


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    user = _child_level_user(request)
    visible = cases_visible_to(user)
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
            "pagination": _pagination(page, filters),
        },
    )


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


def _pagination(page: Page, filters: dict[str, str]) -> dict[str, Any] | None:
    """The items of the GOV.UK pagination component: first, last, the current page and its neighbours,
    with ellipses between."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    current = page.number
    shown = sorted({1, paginator.num_pages, current - 1, current, current + 1} & set(paginator.page_range))
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": _query(filters, page=number), "current": number == current})
        previous = number
    return {
        "items": items,
        "previous": _query(filters, page=current - 1) if page.has_previous() else None,
        "next": _query(filters, page=current + 1) if page.has_next() else None,
    }


# One case -------------------------------------------------------------------------------------------------


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _child_level_user(request)
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
        },
    )


def _dates(case: Case, fields: Iterable[str]) -> list[tuple[str, date | None]]:
    """(label, date) pairs, labelled with the model's verbose names ("CP plan start")."""
    labels = {field.name: getattr(field, "verbose_name", field.name) for field in Case._meta.get_fields()}
    return [(capfirst(str(labels[name])), getattr(case, name)) for name in fields]


# The register import --------------------------------------------------------------------------------------

_SESSION_KEY = "case_import"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class PendingImport:
    """An uploaded file waiting for the QA lead's confirmation. Kept in the session, so a token is only
    good for the person (and the sign-in) that uploaded it."""

    token: str
    suffix: str
    file_name: str
    user_id: int
    skip_invalid: bool
    partial: bool
    closing: int = 0

    @property
    def path(self) -> Path:
        return Path(settings.UPLOAD_DIR) / f"{self.token}{self.suffix}"

    def run(self, user: User, *, dry_run: bool) -> ImportResult:
        return actions.import_case_register(
            self.path,
            acting_user=user,
            file_name=self.file_name,
            skip_invalid=self.skip_invalid,
            dry_run=dry_run,
            partial=self.partial,
        )

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _save_upload(upload: UploadedFile, user: User, *, skip_invalid: bool, partial: bool) -> PendingImport:
    upload_dir = Path(settings.UPLOAD_DIR)
    upload_dir.mkdir(parents=True, exist_ok=True)
    pending = PendingImport(
        token=secrets.token_urlsafe(24),
        suffix=Path(upload.name or "").suffix.lower(),
        file_name=Path(upload.name or "register").name[:255],
        user_id=user.pk,
        skip_invalid=skip_invalid,
        partial=partial,
    )
    # O_EXCL: never write over another file; 0600: uploads hold children's data.
    handle = os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return pending


def _pending(request: HttpRequest, user: User, token: str | None = None) -> PendingImport | None:
    """This user's upload waiting in this session; with `token`, only if the token is the upload's."""
    stored = request.session.get(_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        pending = PendingImport(**stored)
    except TypeError:
        return None
    if pending.user_id != user.pk:
        return None
    if token is not None and (
        not _TOKEN_PATTERN.match(token) or not secrets.compare_digest(token, pending.token)
    ):
        return None
    return pending


def _keep(request: HttpRequest, pending: PendingImport) -> None:
    request.session[_SESSION_KEY] = asdict(pending)


def _forget(request: HttpRequest, pending: PendingImport | None) -> None:
    if pending is not None:
        pending.discard()
    request.session.pop(_SESSION_KEY, None)


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _qa_lead(request)
    if request.method != "POST":
        return _render_import(request, "cases/import.html", {"form": ImportUploadForm()})

    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, "cases/import.html", {"form": form})
    # One upload waits at a time: a new one replaces (and deletes) the last.
    _forget(request, _pending(request, user))
    pending = _save_upload(
        form.cleaned_data["register_file"],
        user,
        skip_invalid=form.cleaned_data["skip_invalid"],
        partial=form.cleaned_data["partial"],
    )
    try:
        result = pending.run(user, dry_run=True)
    except ImportRefused as exc:
        pending.discard()
        form.add_error("register_file", str(exc))
        return _render_import(request, "cases/import.html", {"form": form})
    except BaseException:
        pending.discard()  # never leave a child's data behind on disk, whatever went wrong
        raise

    if _importable(result, pending):
        pending.closing = result.totals.closed
        _keep(request, pending)
        confirm_form: ImportConfirmForm | None = ImportConfirmForm(
            initial={"token": pending.token}, closing=pending.closing
        )
    else:
        pending.discard()
        confirm_form = None
    return _review(request, pending, result, confirm_form)


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    user = _qa_lead(request)
    pending = _pending(request, user, request.POST.get("token", ""))
    if pending is None or not pending.path.is_file():
        return _render_import(
            request, "cases/import.html", {"form": ImportUploadForm(), "expired": True}, status=400
        )

    form = ImportConfirmForm(request.POST, closing=pending.closing)
    try:
        if not form.is_valid():
            return _review(request, pending, pending.run(user, dry_run=True), form)
        try:
            with transaction.atomic():
                result = pending.run(user, dry_run=False)
                if result.totals.closed > pending.closing:
                    raise _ClosesMoreThanAgreed(result.totals.closed)
        except _ClosesMoreThanAgreed:
            # The register changed after the dry run (another import, say): nothing was written. Show the
            # new figures and ask again.
            dry = pending.run(user, dry_run=True)
            pending.closing = dry.totals.closed
            _keep(request, pending)
            form = ImportConfirmForm({"token": pending.token}, closing=pending.closing)
            form.is_valid()
            noun = "case" if pending.closing == 1 else "cases"
            form.add_error(
                None,
                f"The register has changed since the check: this import would now close "
                f"{pending.closing} open {noun}. Check the summary again",
            )
            return _review(request, pending, dry, form)
    except ImportRefused as exc:
        _forget(request, pending)
        upload_form = ImportUploadForm()
        upload_form.add_error(None, str(exc))
        return _render_import(request, "cases/import.html", {"form": upload_form})

    if not result.written:
        _forget(request, pending)
        return _review(request, pending, result, None)
    _forget(request, pending)
    return render(request, "cases/import_done.html", _summary(result))


class _ClosesMoreThanAgreed(Exception):
    pass


def _render_import(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"max_upload": max_upload_text(), **context}
    return render(request, template, context, status=status)


def _importable(result: ImportResult, pending: PendingImport) -> bool:
    return result.ok or pending.skip_invalid


def _review(
    request: HttpRequest, pending: PendingImport, result: ImportResult, confirm_form: ImportConfirmForm | None
) -> HttpResponse:
    context = _summary(result)
    context.update(
        {
            "pending": pending,
            "confirm_form": confirm_form,
            # Offered again when the file cannot be imported as it is, with the options already chosen.
            "upload_form": None
            if confirm_form is not None
            else ImportUploadForm(initial={"skip_invalid": pending.skip_invalid, "partial": pending.partial}),
        }
    )
    return _render_import(request, "cases/import_review.html", context)


def _summary(result: ImportResult) -> dict[str, Any]:
    labels = {**COHORT_LABELS, "unknown": "Cohort not recognised"}
    errors = result.errors[:ROW_ERRORS_SHOWN]
    return {
        "result": result,
        "cohort_rows": [(labels.get(slug, slug), counts) for slug, counts in result.cohort_rows],
        "totals": result.totals,
        "warnings": result.warnings,
        "row_errors": errors,
        "row_error_count": len(result.errors),
        "row_errors_shown": len(errors),
    }
