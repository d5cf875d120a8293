"""A database busy with someone else's write: how not to wait long for it, and how to recognise the error
when it stays busy. For the writes a page makes on the side (the access log, the time of the person's last
request), which must never hold up or fail the page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def short_waits(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On SQLite, wait for the write lock CASEAUDIT_LOG_LOCK_SECONDS, not the connection's usual time
    (which lets an import's writers queue behind one another). Inside a transaction, the lock is held
    already, or waited for at its start."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute(f"PRAGMA busy_timeout = {int(settings.CASEAUDIT_LOG_LOCK_SECONDS * 1000)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(usual)}")


def is_busy(error: BaseException | None) -> bool:
    # SQLite: "database is locked" (another connection writes), "database table is locked" (the same, in
    # a shared-cache database, as the tests' in-memory one).
    return isinstance(error, OperationalError) and "is locked" in str(error)
