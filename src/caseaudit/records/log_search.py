"""Searching the logs kept as evidence: the access log (who read or exported what) and the security log
(signing in, lockouts, account changes, refusals). The filters are what the search page's form validated;
each search is a queryset of entries, newest first, which the page shows a page of and the download
streams in full, so that the two always list the same entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from caseaudit.accounts.models import AccessLog, ChainedEntry, SecurityEvent
from caseaudit.cases.models import Case

from .child_records import naming, records_about

Entry = TypeVar("Entry", bound=ChainedEntry)


@dataclass(frozen=True)
class LogFilters:
    """What both logs are searched by; empty means any. Dates are whole days in the service's time zone,
    both ends included."""

    username: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AccessLogFilters(LogFilters):
    case: Case | None = None  # entries about this child's records (the searcher typed its Child Unique ID)
    action: str = ""
    object_type: str = ""


@dataclass(frozen=True)
class SecurityLogFilters(LogFilters):
    event: str = ""


def access_entries(filters: AccessLogFilters, *, asked_at: datetime) -> QuerySet[AccessLog]:
    """The access log's entries that match, written up to `asked_at`: the search does not find itself
    (viewing or downloading the log is recorded too)."""
    entries = _matching(AccessLog.objects.all(), filters, asked_at)
    if filters.case is not None:
        entries = entries.filter(naming(records_about(filters.case), "object_type", "object_id"))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    return entries


def security_events(filters: SecurityLogFilters, *, asked_at: datetime) -> QuerySet[SecurityEvent]:
    """The security log's entries that match, written up to `asked_at`."""
    events = _matching(SecurityEvent.objects.all(), filters, asked_at)
    if filters.event:
        events = events.filter(event=filters.event)
    return events


def _matching(entries: QuerySet[Entry], filters: LogFilters, asked_at: datetime) -> QuerySet[Entry]:
    entries = entries.filter(at__lte=asked_at)
    if filters.username:
        # As written: a username that is no longer anyone's, or one typed at a failed sign-in, is found
        # too. Usernames differ in case only by mistake.
        entries = entries.filter(username__iexact=filters.username)
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    # Newest first; the id orders entries written in the same microsecond, on every database.
    return entries.order_by("-at", "-pk")


def record_types() -> list[str]:
    """The kinds of record the access log names, in order. They are a few dozen among millions of entries:
    rather than reading the whole index as DISTINCT does on PostgreSQL, hop from each kind to the next one
    up (a loose index scan, on the index of kind and id), one short lookup per kind, on either database."""
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    kind = connection.ops.quote_name("object_type")
    sql = (
        f"WITH RECURSIVE kinds(kind) AS (SELECT MIN({kind}) FROM {table} "  # noqa: S608 - names from the model
        f"UNION ALL SELECT (SELECT MIN({kind}) FROM {table} WHERE {kind} > kinds.kind) FROM kinds "
        "WHERE kinds.kind IS NOT NULL) SELECT kind FROM kinds WHERE kind IS NOT NULL ORDER BY kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the service's time zone (never skipped by a clock change in
    England, which changes at 1 am)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def described(filters: LogFilters) -> str:
    """The filters in a few words, for the access log's record of the search. A child is named by the
    internal id of their case, like every other record in the log, never by their Child Unique ID."""
    parts = []
    if filters.username:
        parts.append(f"username {filters.username}")
    if filters.date_from:
        parts.append(f"from {filters.date_from:%Y-%m-%d}")
    if filters.date_to:
        parts.append(f"to {filters.date_to:%Y-%m-%d}")
    if isinstance(filters, AccessLogFilters):
        if filters.case is not None:
            parts.append(f"about case {filters.case.pk}")
        if filters.action:
            parts.append(f"action {filters.action}")
        if filters.object_type:
            parts.append(f"record type {filters.object_type}")
    if isinstance(filters, SecurityLogFilters) and filters.event:
        parts.append(f"event {filters.event}")
    return ", ".join(parts) or "no filters"
