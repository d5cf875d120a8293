"""Writing an entry to a log kept as evidence (the access log, the security log): numbered and chained under
the log's lock, so two writers never fork the chain, and never failing the page that writes it.

The lock. On PostgreSQL, a transaction-level advisory lock, one key per log, held by a short transaction of
the writer's own: read the last entry, add the new one, commit. On SQLite, the database's write lock, which
that short transaction takes as it begins (the settings begin transactions IMMEDIATE). Either is waited for
CASEAUDIT_LOG_LOCK_SECONDS at most.

When the lock cannot be had in time (a long import holds SQLite's write lock), the entry goes to the log's
spool file (`log_spool`) with the time it happened, and the page carries on. The next entry written to the
log, or `caseaudit flush-access-log`, or `caseaudit verify-access-log`, drains the spool into the chain
first, in the order the entries were refused.

Inside another transaction (an action, an import), an entry is not written in it: the log's lock would be
held until that transaction ends, holding up every other page's entry, and the entry would share its fate.
- A read (`record_access`) stays a read even if the transaction then fails: it goes to the spool at once,
  and is drained as soon as the transaction ends (or by the next write, if it rolled back).
- A security event about a change (an account added, a role changed) is true only if the change is kept:
  it is written when the transaction commits, and not at all if it rolls back."""

from __future__ import annotations

import ipaddress
import logging
import time
import zlib
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .busy import is_busy, short_waits
from .chain import GENESIS, entry_hash
from .log_spool import Record, Spool
from .models import AccessLog, ChainedEntry, SecurityEvent, User
from .origin import current as current_origin

logger = logging.getLogger(__name__)

# The logs, by model, by name: their spool files are named after them ("access-log.jsonl").
LOGS: dict[type[ChainedEntry], str] = {AccessLog: "access log", SecurityEvent: "security log"}


class LogBusy(Exception):
    """The log's lock could not be had in time."""


def spool_of(model: type[ChainedEntry]) -> Spool:
    return Spool(settings.CASEAUDIT_LOG_SPOOL_DIR / f"{LOGS[model].replace(' ', '-')}.jsonl")


def append(entry: ChainedEntry, *, kept_if_rolled_back: bool) -> ChainedEntry:
    """Add `entry` to its log, with the origin of the request or command being served. Returns the entry:
    saved, or (when it waits in the spool, or for a transaction to commit) not yet."""
    model = type(entry)
    where = current_origin()
    entry.address = entry.address or _address(where.address)
    entry.os_user = entry.os_user or where.os_user
    _fit(entry)
    connection = transaction.get_connection()
    if _inside_a_transaction(connection):
        if kept_if_rolled_back:
            spool_of(model).add(_record(entry))
            transaction.on_commit(lambda: drain(model, quietly=True), robust=True)
        else:
            transaction.on_commit(lambda: _write_or_spool(entry), robust=True)
        return entry
    _write_or_spool(entry)
    return entry


def drain(model: type[ChainedEntry], *, quietly: bool = False) -> int:
    """Add the entries waiting in the log's spool to its chain. Returns how many; raises LogBusy if the
    lock could not be had (unless `quietly`: they wait for the next time)."""
    if not spool_of(model).waiting():
        return 0
    try:
        return _write(model, [])
    except LogBusy:
        if not quietly:
            raise
        return 0


def _write_or_spool(entry: ChainedEntry) -> None:
    model = type(entry)
    try:
        _write(model, [entry])
    except LogBusy:
        logger.warning("The %s was busy: an entry waits in its spool.", LOGS[model])
        spool_of(model).add(_record(entry))
    except DatabaseError:
        # Not a busy lock but a failing database (a full disk): the page may still answer, and the entry is
        # not lost. The error is for the operators, who will find it in the application log.
        logger.exception("The %s could not be written: the entry waits in its spool.", LOGS[model])
        spool_of(model).add(_record(entry))


def _inside_a_transaction(connection: BaseDatabaseWrapper) -> bool:
    """Inside a transaction of the service's own. The blocks a test case wraps every test in do not count:
    there, as in the service, a page's entry is written at once (Django's own test for a durable block)."""
    blocks = connection.atomic_blocks
    return bool(blocks) and not getattr(blocks[-1], "_from_testcase", False)


def _write(model: type[ChainedEntry], new: list[ChainedEntry]) -> int:
    """Under the log's lock, in a transaction of its own: the entries waiting in the spool, then `new`.
    Returns how many waited."""
    connection = transaction.get_connection()
    waited: list[ChainedEntry] = []
    try:
        with short_waits(connection), ExitStack() as held:
            # No savepoint: outside a test, this is the transaction; inside one, an error fails the test.
            with transaction.atomic(savepoint=False):
                if not _lock(model, connection):
                    raise LogBusy
                claim = held.enter_context(spool_of(model).claimed())
                waited = _not_yet_written(model, [_entry(model, record) for record in claim.records])
                _chain(model, [*waited, *new])
            claim.clear()  # only once the entries are committed
    except OperationalError as error:
        if is_busy(error):
            raise LogBusy from error
        raise
    return len(waited)


def _lock(model: type[ChainedEntry], connection: BaseDatabaseWrapper) -> bool:
    """Take the log's lock for this transaction. SQLite's write lock was taken as the transaction began."""
    if connection.vendor != "postgresql":
        return True
    # pg_try_advisory_xact_lock rather than a lock_timeout: a refusal is an answer, not an error, so the
    # transaction (a test's, around this one) is not spoiled by it.
    key = zlib.crc32(model._meta.db_table.encode())
    deadline = time.monotonic() + settings.CASEAUDIT_LOG_LOCK_SECONDS
    pause = 0.01
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _chain(model: type[ChainedEntry], entries: list[ChainedEntry]) -> None:
    if not entries:
        return
    placed = model._default_manager.filter(seq__isnull=False)
    last = placed.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] or 0, last[1]) if last else (0, GENESIS)
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = entry_hash(prev, entry.chain_content())
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        model._default_manager.bulk_create(entries)


# Entries in the spool -----------------------------------------------------------------------------------


def _record(entry: ChainedEntry) -> Record:
    record: Record = {name: getattr(entry, name) for name in entry.CHAINED_FIELDS if name != "seq"}
    record["at"] = entry.at.isoformat()
    record["user_id"] = entry.user_id  # type: ignore[attr-defined]
    return record


def _entry(model: type[ChainedEntry], record: Record) -> ChainedEntry:
    values = {name: record.get(name) for name in model.CHAINED_FIELDS if name != "seq"}
    values["at"] = datetime.fromisoformat(record["at"])
    for name in values:
        if values[name] is None and name != "address":
            values[name] = ""
    values["user_id"] = record.get("user_id")
    return model(**values)


def _not_yet_written(model: type[ChainedEntry], entries: list[ChainedEntry]) -> list[ChainedEntry]:
    """The entries, less any already in the log (the service stopped between the commit that wrote them
    and emptying the spool), and without a link to an account deleted since."""
    if not entries:
        return []
    people = {e.user_id for e in entries if e.user_id}  # type: ignore[attr-defined]
    existing = set(User.objects.filter(pk__in=people).values_list("pk", flat=True))
    fresh = []
    for entry in entries:
        if entry.user_id not in existing:  # type: ignore[attr-defined]
            entry.user_id = None  # type: ignore[attr-defined]  # the username stays, as text
        same = {name: getattr(entry, name) for name in entry.CHAINED_FIELDS if name != "seq"}
        if not model._default_manager.filter(**same).exists():
            fresh.append(entry)
    return fresh


def _fit(entry: ChainedEntry) -> None:
    """Text longer than its column is cut, before it is hashed, so the hash is of what is kept."""
    for field in entry._meta.concrete_fields:
        value = getattr(entry, field.attname)
        if isinstance(field, models.CharField) and isinstance(value, str) and field.max_length:
            setattr(entry, field.attname, value[: field.max_length])


def _address(value: Any) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
