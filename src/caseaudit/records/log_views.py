"""The pages that search the logs kept as evidence, and their downloads: the access log (who read or
exported what) and the security log (signing in, lockouts, account and role changes, refusals).

For the QA lead and the administrator (`READ_LOGS`). The logs name records by kind and internal id, so
the results show no child: a search by Child Unique ID finds the entries about the child's records without
showing who the child is. Every search and every download is itself recorded in the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import AccessLog, SecurityEvent
from caseaudit.pagination import pagination

from . import log_downloads
from .log_downloads import LogDownload
from .log_forms import AccessLogSearchForm, LogSearchForm, SecurityLogSearchForm
from .log_search import described

PAGE_SIZE = 50


@dataclass(frozen=True)
class _Log:
    """One log, as its page and its download show it."""

    title: str
    page: str  # url names
    export: str
    template: str
    form: type[LogSearchForm]
    download: LogDownload  # which entries match, and the download's columns

    @property
    def slug(self) -> str:
        return self.download.slug


ACCESS_LOG = _Log(
    title="Access log",
    page="logs:access",
    export="logs:access-export",
    template="records/access_log.html",
    form=AccessLogSearchForm,
    download=log_downloads.ACCESS_LOG,
)

SECURITY_LOG = _Log(
    title="Security log",
    page="logs:security",
    export="logs:security-export",
    template="records/security_log.html",
    form=SecurityLogSearchForm,
    download=log_downloads.SECURITY_LOG,
)


@policy.capability_required(policy.READ_LOGS)
@require_safe
def access_log(request: HttpRequest) -> HttpResponse:
    return _page(request, ACCESS_LOG)


@policy.capability_required(policy.READ_LOGS)
@require_safe
def access_log_export(request: HttpRequest) -> HttpResponseBase:
    return _export(request, ACCESS_LOG)


@policy.capability_required(policy.READ_LOGS)
@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    return _page(request, SECURITY_LOG)


@policy.capability_required(policy.READ_LOGS)
@require_safe
def security_log_export(request: HttpRequest) -> HttpResponseBase:
    return _export(request, SECURITY_LOG)


def _page(request: HttpRequest, log: _Log) -> HttpResponse:
    user = policy.person(request.user, policy.READ_LOGS)
    form = log.form(request.GET)
    context: dict[str, Any] = {"log": log, "form": form, "filtered": form.filled_in()}
    if not form.is_valid():
        # Nothing is searched until the filters are put right: results for half the filters would look
        # like an answer.
        return render(request, log.template, context)
    filters = form.filters()
    asked_at = timezone.now()
    entries = log.download.search(filters, asked_at)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    count = page.paginator.count
    entries_found = "1 entry" if count == 1 else f"{count} entries"
    record_access(user, "view", log.slug, detail=f"{described(filters)}; {entries_found}")
    return render(
        request,
        log.template,
        {
            **context,
            "page": page,
            "rows": [_row(entry) for entry in page.object_list],
            "count": count,
            # Only asked when nothing matched: is it the filters, or is the log empty?
            "log_empty": count == 0 and not log.download.search(type(filters)(), asked_at).exists(),
            "pagination": pagination(page, lambda number: _with_page(query, number)),
            "export_href": reverse(log.export) + (f"?{query}" if query else ""),
        },
    )


def _export(request: HttpRequest, log: _Log) -> HttpResponseBase:
    user = policy.person(request.user, policy.READ_LOGS)
    form = log.form(request.GET)
    if not form.is_valid():
        # The page says what is wrong, keeping what was typed.
        query = _query_without_page(request)
        return redirect(reverse(log.page) + (f"?{query}" if query else ""))
    filters = form.filters()
    asked_at = timezone.now()
    # Recorded before the first row goes: a download cut off half way was still made.
    record_access(user, "export", log.slug, detail=f"{described(filters)}; csv")
    chunks = (text.encode() for text in log.download.csv(filters, asked_at))
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    name = f"{log.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@dataclass(frozen=True)
class _Row:
    """An entry as the page shows it: who, from where, and what, in words."""

    at: datetime
    who: str
    where: str
    did: str
    record: str
    detail: str


def _row(entry: AccessLog | SecurityEvent) -> _Row:
    if entry.address:
        where = entry.address
    elif entry.os_user:
        where = f"command line, run by {entry.os_user}"
    else:
        where = ""
    if isinstance(entry, AccessLog):
        did = entry.get_action_display()
        record = f"{entry.object_type} {entry.object_id}".strip()
    else:
        did, record = entry.get_event_display(), ""
    # An entry naming nobody: the command line acting as itself, or a visitor not signed in.
    return _Row(entry.at, entry.username or "no one", where, did, record, entry.detail)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _with_page(query: str, number: int) -> str:
    page = f"page={number}" if number > 1 else ""
    return "?" + "&".join(part for part in (query, page) if part)
