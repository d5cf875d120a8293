"""The logs' downloads as CSV, the same from the log pages and from `caseaudit logs`: which entries match
the filters, and the columns each entry gives (the log's own fields, times in the service's time zone)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from caseaudit.spreadsheets import csv_chunks

from .log_search import access_entries, security_events


@dataclass(frozen=True)
class LogDownload:
    slug: str  # the access log's name for the log, when it records a search or a download
    search: Callable[[Any, datetime], QuerySet[Any]]
    columns: tuple[str, ...]
    cells: Callable[[Any], tuple[object, ...]]

    def csv(self, filters: Any, asked_at: datetime) -> Iterator[str]:
        """The matching entries written up to `asked_at`, as CSV text a chunk at a time."""
        entries = self.search(filters, asked_at).iterator(chunk_size=2000)
        return csv_chunks(self.columns, (self.cells(entry) for entry in entries))


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


ACCESS_LOG = LogDownload(
    slug="access-log",
    search=lambda filters, asked_at: access_entries(filters, asked_at=asked_at),
    columns=("seq", "at", "username", "os_user", "address", "action", "object_type", "object_id", "detail"),
    cells=lambda e: (
        e.seq,
        _local(e.at),
        e.username,
        e.os_user,
        e.address,
        e.action,
        e.object_type,
        e.object_id,
        e.detail,
    ),
)

SECURITY_LOG = LogDownload(
    slug="security-log",
    search=lambda filters, asked_at: security_events(filters, asked_at=asked_at),
    columns=("seq", "at", "username", "os_user", "address", "event", "detail"),
    cells=lambda e: (e.seq, _local(e.at), e.username, e.os_user, e.address, e.event, e.detail),
)
