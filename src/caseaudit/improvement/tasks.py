"""Reminders as a job for the worker, queued on a schedule (`caseaudit enqueue reminders`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from caseaudit import policy
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import Progress, run_job

from .reminders import send_action_reminders


@task(queue_name="service")
def send_reminders(job_id: int) -> None:
    # Each owner's reminder commits on its own, and an owner is reminded at most once a day: a run stopped
    # half-way and run again reminds only those not yet told.
    run_job(job_id, _send_reminders, changes=False, in_steps=True)


def _send_reminders(job: Job, progress: Progress) -> dict[str, Any]:
    run = send_action_reminders(timezone.localdate(), acting_user=policy.SYSTEM)
    progress.total(len(run.reminders))
    progress.reached(run.told)
    return {"owners": run.told, "actions": run.actions, "emailed": run.sent, "email_waiting": run.failed}
