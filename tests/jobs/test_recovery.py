"""A running job whose worker is gone is queued again, once, or failed saying nothing was changed; a job
whose worker is alive is left alone. (tests/jobs/test_worker_process.py kills a real worker.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caseaudit.jobs.models import Job
from caseaudit.jobs.recovery import LOST, forget_old_jobs, recover_lost_jobs
from caseaudit.jobs.running import start_job

from . import tasks_for_tests as tasks
from .queue import run_queued_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def gone_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _running(personas, *, host: str, pid: int | None, beat_ago: float = 0, attempts: int = 1) -> Job:
    """A job as a worker leaves it when it is killed: running, its task row running too."""
    job = start_job(
        tasks.write_teams,
        kind="test",
        title="A test job",
        started_by=personas.qa_lead,
        arguments={"names": ["N"]},
    )
    job.refresh_from_db()
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", started_at=timezone.now())
    beat = timezone.now() - timedelta(seconds=beat_ago)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        worker_host=host,
        worker_pid=pid,
        heartbeat_at=beat,
        started_at=beat,
        attempts=attempts,
    )
    return job


def test_a_job_whose_worker_on_this_machine_is_gone_runs_again(database_queue, personas, gone_pid):
    job = _running(personas, host=socket.gethostname(), pid=gone_pid)
    first_task = job.task_id

    assert [j.pk for j in recover_lost_jobs()] == [job.pk]

    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id != first_task
    lost_task = DBTaskResult.objects.get(id=first_task)
    assert lost_task.status == "FAILED" and lost_task.traceback == LOST
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)


def test_a_job_lost_on_its_last_attempt_fails_saying_nothing_changed(database_queue, personas, gone_pid):
    job = _running(personas, host=socket.gethostname(), pid=gone_pid, attempts=2)
    recover_lost_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == "The worker stopped while this was running; nothing was changed."
    assert job.finished_at is not None


def test_a_busy_worker_on_this_machine_keeps_its_job_however_old_its_heartbeat(database_queue, personas):
    """On SQLite a worker writing an import cannot write its heartbeat: its process says it is alive."""
    job = _running(personas, host=socket.gethostname(), pid=None, beat_ago=3600)
    Job.objects.filter(pk=job.pk).update(worker_pid=os.getppid())
    assert recover_lost_jobs() == []


def test_a_worker_on_another_machine_is_lost_when_its_heartbeat_stops(database_queue, personas, settings):
    settings.CASEAUDIT_JOB_HEARTBEAT_TIMEOUT = 60
    quiet = _running(personas, host="elsewhere.example", pid=1234, beat_ago=61)
    beating = _running(personas, host="elsewhere.example", pid=1235, beat_ago=5)
    assert [j.pk for j in recover_lost_jobs()] == [quiet.pk]
    beating.refresh_from_db()
    assert beating.status == Job.Status.RUNNING


def test_a_job_that_commits_in_steps_says_what_it_kept(database_queue, personas, gone_pid):
    """Reminders commit one owner at a time: a stop keeps those sent, and a new run carries on."""
    job = _running(personas, host=socket.gethostname(), pid=gone_pid, attempts=2)
    Job.objects.filter(pk=job.pk).update(in_steps=True)
    recover_lost_jobs()
    job.refresh_from_db()
    assert job.failure == (
        "The worker stopped while this was running. What it had done is kept; running it again carries on "
        "from there."
    )


def test_jobs_finished_longer_ago_than_kept_are_deleted_with_their_files(personas, settings):
    settings.CASEAUDIT_JOB_KEEP_DAYS = 7
    folder = settings.CASEAUDIT_JOB_FILES_DIR
    folder.mkdir(parents=True)
    (folder / "old.csv").write_text("old")
    (folder / "new.csv").write_text("new")
    now = timezone.now()
    old = Job.objects.create(
        kind="t", title="Old", status=Job.Status.DONE, finished_at=now - timedelta(days=8)
    )
    Job.objects.filter(pk=old.pk).update(file_name="old.csv")
    new = Job.objects.create(
        kind="t",
        title="New",
        status=Job.Status.DONE,
        finished_at=now - timedelta(days=6),
        file_name="new.csv",
    )
    waiting = Job.objects.create(kind="t", title="Waiting")

    assert forget_old_jobs(now) == 1

    assert set(Job.objects.values_list("pk", flat=True)) == {new.pk, waiting.pk}
    assert sorted(path.name for path in folder.iterdir()) == ["new.csv"]
