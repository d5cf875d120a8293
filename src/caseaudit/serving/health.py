"""Whether this copy of the service can do its work, for `/healthz` and `caseaudit serve`.

Each check is a small function that answers in a word or two, never with data: the answer is public (a load
balancer or a monitor asks without signing in). Why a check failed goes to the server's log instead. The
database comes first; the checks after it read the database, so they only run when it answered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from caseaudit.jobs.queue import queue_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    ok: bool
    says: str


def database() -> Finding:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # whatever the driver raises, the answer is the same
        logger.warning("Health check: the database did not answer", exc_info=True)
        return Finding(False, "unreachable")
    return Finding(True, "ok")


def migrations() -> Finding:
    """Code whose migrations have not been applied reads and writes columns that are not there yet."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:
        logger.warning("Health check: the migrations could not be read", exc_info=True)
        return Finding(False, "unknown")
    if unapplied:
        return Finding(False, f"{unapplied} unapplied")
    return Finding(True, "ok")


def job_queue() -> Finding:
    """How long the oldest job waiting for a worker has waited; failing past CASEAUDIT_JOB_QUEUE_MAX_WAIT
    seconds, which a running worker never lets one wait (no worker running, or too few for the work)."""
    try:
        state = queue_state()
    except Exception:
        logger.warning("Health check: the job queue could not be read", exc_info=True)
        return Finding(False, "unknown")
    if not state.kept_here:
        return Finding(True, "not kept in the database")
    if state.oldest_wait_seconds is None:
        return Finding(True, "ok, nothing waiting")
    waited = round(state.oldest_wait_seconds)
    if waited > settings.CASEAUDIT_JOB_QUEUE_MAX_WAIT:
        logger.warning("Health check: the oldest job has waited %s s for a worker", waited)
        return Finding(False, f"oldest waiting {waited} s")
    return Finding(True, f"ok, oldest waiting {waited} s")


# In the order they run; each name is a key of /healthz's answer.
AFTER_DATABASE: dict[str, Callable[[], Finding]] = {"migrations": migrations, "job_queue": job_queue}


def run_checks() -> dict[str, Finding]:
    found = {"database": database()}
    for name, check in AFTER_DATABASE.items():
        found[name] = check() if found["database"].ok else Finding(False, "not checked")
    return found
