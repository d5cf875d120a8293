"""Jobs whose worker was lost (killed, out of memory, the machine restarted) are never left "running".

A running job is lost when its worker is known to be gone: on this machine, its process is no longer there;
on another machine, it has written no heartbeat for CASEAUDIT_JOB_HEARTBEAT_TIMEOUT seconds. A lost job
changed nothing (`running`: its work and its "done" commit together), so it is queued again while it has
attempts left (CASEAUDIT_JOB_ATTEMPTS), and otherwise fails, saying so. (A job that commits in steps,
such as sending reminders, keeps the steps it finished, and says so: run again, it carries on.) Every
worker looks when it starts and then every so often, so one worker's lost job is picked up by the next
to start, or by another."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Job
from .running import STOPPED, STOPPED_IN_STEPS, enqueue

logger = logging.getLogger(__name__)

LOST = "The worker stopped while this was running; nothing was changed."


def recover_lost_jobs(now: datetime | None = None) -> list[Job]:
    """Queue again, or fail, every running job whose worker is gone. Returns the jobs it changed."""
    now = now or timezone.now()
    changed = []
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if _lost(job, now):
            recovered = _recover(job.pk, LOST, now, still_lost=lambda j: _lost(j, now))
            if recovered is not None:
                changed.append(recovered)
    return changed


def give_back(job_id: int) -> None:
    """The worker running this job is stopping before it finished (its transaction rolled back)."""
    _recover(job_id, STOPPED, timezone.now(), still_lost=lambda job: True)


def _recover(job_id: int, message: str, now: datetime, still_lost: Callable[[Job], bool]) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=Job.Status.RUNNING).first()
        if job is None or not still_lost(job):
            return None  # finished, or taken back, meanwhile
        _close_task(job.task_id, now)
        if job.attempts < settings.CASEAUDIT_JOB_ATTEMPTS:
            logger.warning("Job %s lost its worker: queued again (attempt %s)", job.pk, job.attempts + 1)
            job.status = Job.Status.QUEUED
            job.worker_host, job.worker_pid, job.heartbeat_at = "", None, None
            job.save(update_fields=["status", "worker_host", "worker_pid", "heartbeat_at"])
            enqueue(job)
        else:
            logger.warning("Job %s lost its worker after %s attempts: failed", job.pk, job.attempts)
            said = STOPPED_IN_STEPS if job.in_steps else message
            job.status, job.failure, job.finished_at = Job.Status.FAILED, said, now
            job.save(update_fields=["status", "failure", "finished_at"])
    return job


def _lost(job: Job, now: datetime) -> bool:
    if job.worker_host == socket.gethostname()[:255] and job.worker_pid:
        # On this machine the process itself answers, whatever the heartbeat says: a worker busy with
        # an import on SQLite cannot write one, and a dead one is known at once.
        return not _process_alive(job.worker_pid)
    beat = job.heartbeat_at or job.started_at
    return beat is None or now - beat > timedelta(seconds=settings.CASEAUDIT_JOB_HEARTBEAT_TIMEOUT)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process killed but not yet reaped by its parent still answers; it runs nothing."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _close_task(task_id: str, now: datetime) -> None:
    """The database backend's row for the lost task stays "running" forever: close it as failed."""
    try:
        task_uuid = uuid.UUID(task_id)
    except ValueError:
        return  # none yet, or another backend's id
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_uuid, status="RUNNING").update(
        status="FAILED",
        finished_at=now,
        exception_class_path="caseaudit.jobs.recovery.WorkerLost",
        traceback=LOST,
    )


def forget_old_jobs(now: datetime | None = None) -> int:
    """Delete the jobs finished more than CASEAUDIT_JOB_KEEP_DAYS ago, with their files: a check's result
    names rows of an uploaded file, an export's file holds children's records. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CASEAUDIT_JOB_KEEP_DAYS)
    old = Job.objects.filter(status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=cutoff)
    folder = Path(settings.CASEAUDIT_JOB_FILES_DIR)
    for file_name in old.exclude(file_name="").values_list("file_name", flat=True):
        if Path(file_name).name == file_name:
            (folder / file_name).unlink(missing_ok=True)
    deleted, _ = old.delete()
    return deleted
