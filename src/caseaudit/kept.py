"""Results worth keeping between requests: computed once, then shared by every process of the service.

A result is kept twice: in Django's cache, which is the database's table `caseaudit_cache` (created by
`caseaudit migrate`), so that every gunicorn worker on every machine finds what one of them computed; and in
the memory of the process that read it last, so that the next request in that process reads nothing.

The key names everything the result depends on (a fingerprint of the data, the date, the rules), so a kept
result is never out of date: when anything it depends on changes, so does the key, and the old entry is
never asked for again (it expires after `timeout`). Losing the cache (clearing the table) costs one
computation, never a wrong answer.

A result nobody has kept yet is computed once, not once per request: the first process to ask takes a
short-lived claim on the key in the shared cache and computes; the others wait for its result (up to
`WAIT_FOR_OTHERS`), rather than all computing the same seconds of work at once and slowing every other
page while they do. A process that dies while computing leaves its claim to expire."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import polars as pl
from django.core.cache import cache
from django.db import connection, connections, models, router

T = TypeVar("T")

DAY = 24 * 60 * 60
# Results held in each process's memory, most recently used kept: a few dates and scopes, never the history.
HELD_PER_PROCESS = 16
# How long a process waits for another's computation of the same result before computing it itself, and
# how often it looks.
WAIT_FOR_OTHERS = 60.0
LOOK_EVERY = 0.05

_held: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def cache_key(name: str, *parts: object) -> str:
    """A short key for `name` and everything the result depends on (the cache limits keys to 250 characters,
    and the parts need not be safe to store as text)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"{name}:{digest}"


def table_fingerprint(model: type[models.Model], *, rows: str = "") -> str:
    """What changes whenever the rows of `model`'s table (those matching the SQL condition `rows`, or all)
    do, in one query: how many there are (one deleted, or leaving the condition), the latest `updated_at`
    among them (every write sets it) and the highest id in the table (one added). Separate subqueries,
    each answered from an index: together in one aggregate the database would read every row."""
    alias = router.db_for_read(model)
    table = connections[alias].ops.quote_name(model._meta.db_table)
    among = f"FROM {table} WHERE {rows}" if rows else f"FROM {table}"
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) {among}), (SELECT MAX(updated_at) {among}), "  # noqa: S608
            f"(SELECT MAX(id) FROM {table})"
        )
        count, changed, last = cursor.fetchone()
    return f"{count}/{changed or ''}/{last or 0}"


def kept(
    key: str,
    compute: Callable[[], T],
    *,
    dump: Callable[[T], bytes],
    load: Callable[[bytes], T],
    timeout: int = DAY,
) -> T:
    """The result kept under `key`: from this process's memory, else from the shared cache, else computed
    by `compute()` and stored (as `dump` makes it bytes; `load` reads it back)."""
    with _lock:
        if key in _held:
            _held.move_to_end(key)
            return cast(T, _held[key])
    stored = cache.get(key)
    claimed = False
    # A claim written inside a transaction is seen by nobody until it commits (and on SQLite would hold the
    # write lock while computing): there, compute without one.
    if stored is None and not connection.in_atomic_block:
        claimed, stored = _claim_or_wait(key)
    if stored is None:
        try:
            value = compute()
            cache.set(key, dump(value), timeout)
        finally:
            if claimed:
                cache.delete(_claim(key))
    else:
        value = load(stored)
    with _lock:
        _held[key] = value
        while len(_held) > HELD_PER_PROCESS:
            _held.popitem(last=False)
    return value


def _claim(key: str) -> str:
    return f"{key}:computing"


def _claim_or_wait(key: str) -> tuple[bool, bytes | None]:
    """Claim the computation of `key` (True, None); or wait for the process that claimed it, and return
    its result (False, result), or (False, None) when it failed, died or took too long: then compute here."""
    if cache.add(_claim(key), b"1", int(WAIT_FOR_OTHERS)):
        return True, None
    deadline = time.monotonic() + WAIT_FOR_OTHERS
    while time.monotonic() < deadline:
        time.sleep(LOOK_EVERY)
        stored = cache.get(key)
        if stored is not None:
            return False, stored
        if cache.get(_claim(key)) is None:  # the other finished just now, or failed, or died
            return False, cache.get(key)
    return False, None


def forget_held() -> None:
    """Empty this process's memory of kept results (the shared cache is left alone): for tests."""
    with _lock:
        _held.clear()


def frame_bytes(frame: pl.DataFrame) -> bytes:
    """A frame as bytes to keep (`kept`'s `dump`): Arrow IPC, compressed."""
    out = io.BytesIO()
    frame.write_ipc(out, compression="zstd")
    return out.getvalue()


def frame_from(data: bytes) -> pl.DataFrame:
    """A kept frame read back (`kept`'s `load`)."""
    return pl.read_ipc(io.BytesIO(data))
