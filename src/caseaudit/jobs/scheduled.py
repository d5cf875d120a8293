"""The service's own jobs, run on a schedule: sending the emails waiting, reminders, retention.

django-tasks has no scheduler: cron or a systemd timer runs `caseaudit enqueue NAME` (docs/operations.md),
which queues the job for the worker and returns at once. Each app that has such a job registers it here
from its `AppConfig.ready()` (this app sits below them and imports none of them)."""

from __future__ import annotations

from dataclasses import dataclass

from django_tasks.base import Task

from .models import Job
from .running import start_job


@dataclass(frozen=True)
class Scheduled:
    name: str  # what `caseaudit enqueue` calls it
    task: Task  # a task that runs the job with `running.run_job`
    title: str  # what the job is called on its page
    summary: str  # one line for `caseaudit enqueue --help`

    @property
    def kind(self) -> str:
        return f"scheduled-{self.name}"


_SCHEDULED: dict[str, Scheduled] = {}


def register(scheduled: Scheduled) -> None:
    _SCHEDULED[scheduled.name] = scheduled


def scheduled_jobs() -> dict[str, Scheduled]:
    return dict(sorted(_SCHEDULED.items()))


def enqueue_scheduled(name: str, *, after_running: bool = False) -> tuple[Job, bool]:
    """Queue the job named `name`, unless one is already waiting or running (a timer that fires while the
    last run is still going adds nothing). Returns the job and whether it is new. `after_running`: a run
    already going does not count, only one still waiting: for work asked for because the data just changed,
    which the running one may have read before the change."""
    scheduled = _SCHEDULED[name]
    statuses = [Job.Status.QUEUED] if after_running else [Job.Status.QUEUED, Job.Status.RUNNING]
    waiting = Job.objects.filter(kind=scheduled.kind, status__in=statuses)
    already = waiting.order_by("pk").first()
    if already is not None:
        return already, False
    return start_job(scheduled.task, kind=scheduled.kind, title=scheduled.title, started_by=None), True
