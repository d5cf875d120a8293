"""Starting a job and running it.

A job is a `Job` row and a task queued to run it. The task is a small module-level function of the app the
job belongs to, which hands the job's id and its work to `run_job`:

    @task()
    def import_register(job_id: int) -> None:
        run_job(job_id, _import_register, changes=True)

`run_job` marks the job running, gives the work a `Progress` to report rows done, and records how the job
ended. A job that `changes` anything runs in one transaction, and is marked done inside it: if the worker
dies half-way, the transaction rolls back and nothing was changed; if it dies after the commit, the job is
already done. Either way a job is run again only when nothing of it was written (see `recovery`)."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult
from django_tasks.base import Task

from caseaudit.accounts.models import User

from . import worker_state
from .models import Job

logger = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on the server while this was running, and it stopped. Nothing was changed. "
    "Try again; if it happens again, tell the IT team (job {pk})."
)
STOPPED = "The worker stopped while this was running; nothing was changed. Start it again."
STOPPED_IN_STEPS = (
    "The worker stopped while this was running. What it had done is kept; running it again carries on "
    "from there."
)


class JobFailed(Exception):
    """The job cannot be done, for a reason the person who started it can act on: the message says it in
    plain words ("register.csv has no rows of cases"). Whatever the job had written is rolled back.
    `result`, if given, is kept for the job's page (what a new check found, say)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


class Progress:
    """What the work reports as it goes: rows done, of a total once it is known. The worker writes it to
    the job every few seconds (`worker_state`), from a connection of its own, so that it shows while the
    work's own transaction is still open; without a worker (tests, the immediate backend) it is written
    when the job ends."""

    def __init__(self, rows_total: int | None = None) -> None:
        self.rows_done = 0
        self.rows_total = rows_total

    def total(self, rows: int) -> None:
        self.rows_total = max(0, rows)

    def advance(self, rows: int = 1) -> None:
        self.rows_done += rows

    def reached(self, rows: int) -> None:
        self.rows_done = rows


Work = Callable[[Job, Progress], dict[str, Any] | None]


def start_job(
    task: Task,
    *,
    kind: str,
    title: str,
    started_by: User | None,
    arguments: dict[str, Any] | None = None,
    link: Callable[[Job], str] | None = None,
) -> Job:
    """Record the job and queue its task. `link` gives the page that follows the job, from its id."""
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        started_by=started_by,
        task_path=task.module_path,
        arguments=arguments or {},
    )
    if link is not None:
        job.link = link(job)
        job.save(update_fields=["link"])
    enqueue(job, task)
    return job


def enqueue(job: Job, task: Task | None = None) -> None:
    """Queue the task that runs `job`. With the database backend the task is a row written in the same
    transaction as the job, so a worker sees both or neither (and the immediate backend runs it here and
    now); a broker (RQ, Celery) is told only once the job's row is committed, or its worker could look for
    a job that is not there yet."""
    task = task or import_string(job.task_path)
    assert isinstance(task, Task)

    def queue() -> None:
        result: TaskResult = task.enqueue(job.pk)
        # The immediate backend has run the job already: its row says how it ended, and must not be
        # written over with the old one.
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.task_id = str(result.id)[:64]

    if _no_broker(task) or not connection.in_atomic_block:
        queue()
    else:
        transaction.on_commit(queue)


def _no_broker(task: Task) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend)


def run_job(job_id: int, work: Work, *, changes: bool, in_steps: bool = False) -> None:
    """Run `work` for the job, recording how it went. `changes`: the work writes to the database, so it
    runs in one transaction with the job's own "done". `in_steps`: the work commits a step at a time
    instead (each reminder as it is sent), so that running it again after a stop carries on."""
    assert not (changes and in_steps), "a job commits all at once or in steps, not both"
    if not _claim(job_id, in_steps):
        return  # done, failed, or running elsewhere: a task queued twice runs once
    job = Job.objects.get(pk=job_id)
    progress = Progress(job.rows_total)
    worker_state.running(job.pk, progress)
    try:
        if changes:
            with transaction.atomic():
                result = work(job, progress)
                worker_state.idle()  # no more writes to the job's row from the side connection
                _finish(job, progress, result)
        else:
            result = work(job, progress)
            worker_state.idle()
            _finish(job, progress, result)
    except JobFailed as refusal:
        _fail(job, progress, str(refusal), refusal.result)
    except (PermissionDenied, ValidationError) as refusal:
        _fail(job, progress, _words(refusal))
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _fail(job, progress, UNEXPECTED.format(pk=job.pk))
    except BaseException:
        # Stopped (a second Ctrl+C, SystemExit): the transaction is rolled back; the job goes back to the
        # queue, or fails, as a lost one would.
        from .recovery import give_back

        worker_state.idle()
        give_back(job.pk)
        raise
    finally:
        worker_state.idle()


def _claim(job_id: int, in_steps: bool) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            in_steps=in_steps,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            worker_host=socket.gethostname()[:255],
            worker_pid=os.getpid(),
        )
    )


def _finish(job: Job, progress: Progress, result: dict[str, Any] | None) -> None:
    total = progress.rows_total
    done = progress.rows_done if total is None else max(progress.rows_done, total)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        rows_done=done,
        rows_total=total,
        result=result,
        failure="",
    )


def _fail(job: Job, progress: Progress, message: str, result: dict[str, Any] | None = None) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        rows_done=progress.rows_done,
        rows_total=progress.rows_total,
        failure=message,
        result=result,
    )


def _words(refusal: Exception) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal) or "You may not do this."
