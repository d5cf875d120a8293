"""A job as its pages show it: status, rows done, time left."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from caseaudit.core.progress import estimate, time_left_words

from .models import Job

# How often a page waiting for a job looks again, in seconds.
REFRESH_SECONDS = 3


@dataclass(frozen=True)
class JobView:
    job: Job
    rows_done: int
    rows_total: int | None
    percent: int | None
    time_left: str | None

    @property
    def waiting(self) -> bool:
        return not self.job.finished

    @property
    def done_label(self) -> str:
        """What the job counts: rows, unless it was started with `"counts": "steps"` in its arguments (a
        committee paper is drawn in a few steps, not rows)."""
        return "Steps done" if self.job.arguments.get("counts") == "steps" else "Rows done"

    @property
    def page(self) -> str:
        """The page that follows the job: its app's own, or the job's page."""
        return self.job.link or reverse("jobs:detail", args=[self.job.pk])


def job_view(job: Job) -> JobView:
    left = None
    percent = None
    if job.status == Job.Status.RUNNING and job.started_at:
        running = (timezone.now() - job.started_at).total_seconds()
        found = estimate(job.rows_done, job.rows_total, running)
        left, percent = time_left_words(found.seconds_left), found.percent
    elif job.status == Job.Status.DONE and job.rows_total:
        percent = 100
    return JobView(job, job.rows_done, job.rows_total, percent, left)
