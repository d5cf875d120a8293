"""What the worker process is doing, and its watchman: a thread that, every few seconds, writes the running
job's progress and a heartbeat, and looks for jobs whose worker was lost (`recovery`).

The watchman writes from a database connection of its own (Django gives each thread one), outside the
transaction the job's work runs in, so a person sees the rows counted while an import is still writing.
SQLite lets one writer at a time: while an import holds the write lock the watchman's write gives up at
once and tries again at the next beat, and a worker on the same machine is known to be alive by its
process, not its heartbeat (`recovery`). Only `caseaudit worker` starts a watchman; without one (tests,
the immediate backend) the progress is written when the job ends."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, connections
from django.utils import timezone

from .models import Job

if TYPE_CHECKING:
    from .running import Progress

logger = logging.getLogger(__name__)


@dataclass
class _Current:
    job_id: int
    progress: Progress


_lock = threading.Lock()
_current: _Current | None = None


def running(job_id: int, progress: Progress) -> None:
    global _current
    with _lock:
        _current = _Current(job_id, progress)


def idle() -> None:
    global _current
    with _lock:
        _current = None


def current() -> _Current | None:
    with _lock:
        return _current


class Watchman(threading.Thread):
    """Every `every` seconds: the running job's heartbeat and progress; every `sweep_every` beats, the
    jobs of lost workers."""

    def __init__(self, every: float, sweep_every: int) -> None:
        super().__init__(name="caseaudit-watchman", daemon=True)
        self.every = every
        self.sweep_every = max(1, sweep_every)
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        beats = 0
        try:
            self._impatient()
            while not self._stop_event.wait(self.every):
                beats += 1
                self.beat()
                if beats % self.sweep_every == 0:
                    self.sweep()
        finally:
            connections.close_all()

    def beat(self) -> None:
        # Under the lock: the job's work marks it done only after `idle()`, so no beat lands after that.
        with _lock:
            now = _current
            if now is None:
                return
            try:
                Job.objects.filter(pk=now.job_id, status=Job.Status.RUNNING).update(
                    heartbeat_at=timezone.now(),
                    rows_done=now.progress.rows_done,
                    rows_total=now.progress.rows_total,
                )
            except DatabaseError:
                logger.debug("Heartbeat of job %s not written this time", now.job_id, exc_info=True)

    def sweep(self) -> None:
        from .recovery import forget_old_jobs, recover_lost_jobs

        try:
            recover_lost_jobs()
            forget_old_jobs()
        except DatabaseError:
            logger.debug("Lost jobs not looked for this time", exc_info=True)

    def _impatient(self) -> None:
        """On SQLite, a write that finds the database locked gives up at once rather than wait: the next
        beat comes soon, and the job must never wait for its watchman."""
        if connection.vendor == "sqlite":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 50")
            except DatabaseError:
                logger.debug("busy_timeout not set", exc_info=True)
