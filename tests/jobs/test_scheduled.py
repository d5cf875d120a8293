"""The service's own jobs, queued by cron or a timer (`caseaudit enqueue NAME`) and run by the worker:
the emails waiting, reminders, retention. An email written by a change goes to the worker after the
commit, not from the request."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from caseaudit.jobs.models import Job
from caseaudit.notifications.models import Email
from caseaudit.notifications.outbox import queue_email
from caseaudit.records.actions import UNCONFIRMED

from .queue import run_queued_jobs

pytestmark = pytest.mark.django_db


def _enqueue(name: str) -> str:
    out = StringIO()
    call_command("enqueue", name, stdout=out)
    return out.getvalue()


def test_a_job_is_queued_once_however_often_the_timer_fires(database_queue):
    first = _enqueue("reminders")
    job = Job.objects.get()
    assert first == f"Queued job {job.pk}: Remind owners of their actions due.\n"
    assert (
        _enqueue("reminders")
        == f"Job {job.pk} (Remind owners of their actions due) is already waiting to start.\n"
    )
    assert (job.kind, job.started_by, job.status) == ("scheduled-reminders", None, Job.Status.QUEUED)
    assert DBTaskResult.objects.get().queue_name == "service"

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"owners": 0, "actions": 0, "emailed": 0, "email_waiting": 0}
    assert _enqueue("reminders").startswith("Queued job ")  # done: the next day's run is queued


def test_an_email_goes_to_the_worker_once_its_change_commits(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("someone@example.test", "A subject", "A body", kind="account")
    assert DBTaskResult.objects.filter(task_path="caseaudit.notifications.tasks.send_email").exists()
    assert Email.objects.get(pk=email.pk).status == Email.Status.QUEUED  # not sent by the request
    assert mail.outbox == []

    run_queued_jobs()

    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT
    assert [message.subject for message in mail.outbox] == ["A subject"]


def test_the_emails_waiting_are_sent_by_the_scheduled_job(database_queue):
    queue_email("someone@example.test", "Waiting", "A body", kind="account", send_after_commit=False)
    _enqueue("email")
    run_queued_jobs()
    job = Job.objects.get(kind="scheduled-email")
    assert (job.status, job.result) == (Job.Status.DONE, {"tried": 1, "sent": 1, "waiting": 0})
    assert [message.subject for message in mail.outbox] == ["Waiting"]


def test_retention_without_a_confirmed_schedule_fails_and_disposes_of_nothing(database_queue, settings):
    settings.CASEAUDIT_RETENTION_FILE = None  # the shipped defaults, which nobody has confirmed
    _enqueue("retention")
    run_queued_jobs()
    job = Job.objects.get(kind="scheduled-retention")
    assert job.status == Job.Status.FAILED
    assert job.failure.startswith(UNCONFIRMED.split("{")[0])
