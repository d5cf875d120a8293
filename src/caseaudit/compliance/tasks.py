"""Counting the register's compliance ahead of the people who read it, as a job for the worker.

Checking every open case takes seconds at 100,000 cases. The result is kept once counted (`queries`), but
the first page after the register changes, or after midnight (the day the checks are for), would count it
while somebody waits. This job counts it first: queued after every register import, and each night by cron
or a timer (`caseaudit enqueue compliance`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from caseaudit.jobs.models import Job
from caseaudit.jobs.running import Progress, run_job

from .queries import register_results, register_summary


@task(queue_name="service")
def count_register_compliance(job_id: int) -> None:
    run_job(job_id, _count, changes=False)


def _count(job: Job, progress: Progress) -> dict[str, Any]:
    return count_today()


def count_today() -> dict[str, Any]:
    """Count (and keep) today's compliance of the whole register, unless it is kept already."""
    today = timezone.localdate()
    results = register_results(today)
    _, cases = register_summary(today)  # the counts the compliance page and the paper open with
    return {"for": today.isoformat(), "open cases": cases, "checks": len(results)}
