"""Reports read from a replica of the database, when one is configured (DATABASE_REPLICA_URL).

A grade table over ten years of audits, the compliance of every open case and the committee paper are long
reads; on a replica they no longer compete with the auditors saving their work. Only the pages that compute
over the register and its audits opt in (`@reports_read_replica`), and only while they read: a view wrapped
in `reports_reads()` sends its queries for the case, cycle, audit and improvement models to the replica.

Everything else stays on the primary, even inside such a view: the access log (its chain needs the latest
entry, which a lagging replica may not have), sign-in and sessions, the people, notifications, jobs, and
the reports app's own records (a stored paper is written and read back at once). Without a replica every
query goes to the primary and nothing here changes anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

REPLICA = "replica"
# The data reports compute over. A replica may be seconds behind: these are read, never written, by the
# pages that opt in, so a lag shows as a figure a few seconds old, never as a lost write.
REPORTED_APPS = frozenset({"cases", "cycles", "audits", "improvement"})

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reports_reads() -> Iterator[None]:
    """Within this block, reads of the reported data go to the replica (when there is one)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reports_read_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A read-only report page: its reads of the reported data go to the replica (when there is one)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reports_reads():
            return view(*args, **kwargs)

    return wrapped


class ReportsReplicaRouter:
    """Django's database router for the above (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_reports.get() and model._meta.app_label in REPORTED_APPS and has_replica():
            return REPLICA
        return None  # the primary

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None  # always the primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: an object read from either is the same row

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary's schema through replication, never through `migrate`.
        return False if db == REPLICA else None
