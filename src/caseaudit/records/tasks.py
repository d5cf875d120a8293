"""Retention as a job for the worker, queued on a schedule (`caseaudit enqueue retention`): the closed cases
due under the authority's confirmed schedule are disposed of, all in one transaction, as the command does
when told `--yes`. Without a confirmed schedule the job fails saying so, and nothing is disposed of."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from caseaudit import policy
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job

from .actions import UNCONFIRMED, dispose_of_due_cases
from .retention.disposal import closed_cases
from .retention.due import review
from .retention.schedule import ScheduleError, load_schedule


@task(queue_name="service")
def dispose_of_due(job_id: int) -> None:
    run_job(job_id, _dispose_of_due, changes=True)


def _dispose_of_due(job: Job, progress: Progress) -> dict[str, Any]:
    try:
        schedule = load_schedule(settings.CASEAUDIT_RETENTION_FILE)
    except ScheduleError as problems:
        raise JobFailed(
            f"The retention schedule cannot be used, so nothing was disposed of: {problems}"
        ) from None
    if not schedule.confirmed:
        raise JobFailed(UNCONFIRMED.format(source=schedule.source))
    today = timezone.localdate()
    due = review(closed_cases(), schedule, today).due
    progress.total(len(due))
    if not due:
        return {"disposed": 0, "audits": 0}
    records = dispose_of_due_cases(
        schedule, today=today, acting_user=policy.SYSTEM, only={verdict.case_id for verdict in due}
    )
    progress.reached(len(records))
    return {"disposed": len(records), "audits": sum(record.audits for record in records)}
