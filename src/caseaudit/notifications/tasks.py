"""The outbox's tasks for the worker: one email handed to the mail server right after the change that
wrote it commits (`outbox.queue_email`), and every email due, on a schedule (`caseaudit enqueue email`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from caseaudit.jobs.models import Job
from caseaudit.jobs.running import Progress, run_job

from . import outbox


@task(queue_name="service")
def send_email(email_id: int) -> None:
    """Hand one email to the mail server. Claimed first, so that it is never sent twice; one the server
    refuses waits for the next try (`send_due_emails`)."""
    outbox.deliver(email_id)


@task(queue_name="service")
def send_due_emails(job_id: int) -> None:
    # Each email is claimed and marked as it goes: a stop keeps those sent, and the next run sends the rest.
    run_job(job_id, _send_due, changes=False, in_steps=True)


def _send_due(job: Job, progress: Progress) -> dict[str, Any]:
    tried = outbox.deliver_due()
    progress.total(len(tried))
    progress.reached(len(tried))
    sent = sum(1 for email in tried if email.status == email.Status.SENT)
    return {"tried": len(tried), "sent": sent, "waiting": len(tried) - sent}
