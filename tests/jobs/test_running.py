"""A job runs in the worker, reports its rows, and ends done with its result, or failed saying why in plain
words, having changed nothing."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from caseaudit.cases.models import Team
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import UNEXPECTED, start_job

from . import tasks_for_tests as tasks
from .queue import run_queued_jobs

pytestmark = pytest.mark.django_db


def _start(task, personas, **arguments) -> Job:
    return start_job(task, kind="test", title="A test job", started_by=personas.qa_lead, arguments=arguments)


def test_a_job_waits_in_the_queue_until_a_worker_runs_it(database_queue, personas):
    job = _start(tasks.write_teams, personas, names=["North", "South", "East"])
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    assert not Team.objects.filter(name="East").exists()

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.rows_done, job.rows_total, job.result) == (3, 3, {"written": 3})
    assert job.started_at and job.finished_at and job.attempts == 1
    assert Team.objects.filter(name__in=["North", "South", "East"]).count() == 3
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_without_a_worker_the_immediate_backend_runs_the_job_at_once(personas):
    job = _start(tasks.write_teams, personas, names=["West"])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Team.objects.filter(name="West").exists()


def test_a_refused_job_says_why_and_changed_nothing(database_queue, personas):
    job = _start(tasks.write_then_refuse, personas, team="Refused team")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == "register.csv has no rows of cases: nothing to import."
    assert not Team.objects.filter(name="Refused team").exists()


def test_a_job_that_breaks_says_so_in_plain_words_and_changed_nothing(database_queue, personas, caplog):
    job = _start(tasks.write_then_break, personas, team="Broken team")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == UNEXPECTED.format(pk=job.pk)
    assert "Nothing was changed" in job.failure and "a bug" not in job.failure
    assert not Team.objects.filter(name="Broken team").exists()
    assert "a bug" in caplog.text  # the details go to the worker's log, for IT


def test_a_task_queued_twice_runs_its_job_once(database_queue, personas):
    job = _start(tasks.write_teams, personas, names=["Once"])
    tasks.write_teams.enqueue(job.pk)
    run_queued_jobs()
    assert Team.objects.filter(name="Once").count() == 1
