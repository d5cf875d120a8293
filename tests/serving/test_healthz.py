"""/healthz tells a load balancer or monitor whether this copy of the service can work: anyone may ask, and
the answer holds no data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caseaudit.serving import health

from ..jobs.tasks_for_tests import write_teams

pytestmark = pytest.mark.django_db

# The tests run each job inside the request that starts it (CASEAUDIT_TASKS_BACKEND=immediate): no queue.
ALL_WELL = {"status": "ok", "database": "ok", "migrations": "ok", "job_queue": "not kept in the database"}


def test_it_answers_anyone_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == ALL_WELL
    assert "no-store" in response["Cache-Control"].split(", ")
    assert not response.cookies  # no session, no CSRF cookie


def test_a_signed_in_person_gets_the_same_answer(client, personas):
    client.force_login(personas.qa_lead)
    assert client.get("/healthz").json() == ALL_WELL


def test_it_only_answers_questions(client):
    assert client.post("/healthz").status_code == 405


def test_unapplied_migrations_fail_it(client):
    """As after an upgrade whose `caseaudit migrate` has not run yet: the database has not got the newest
    migration of one app (the test's transaction puts it back)."""
    recorded = MigrationRecorder.Migration.objects.filter(app="accounts").order_by("-applied", "-id").first()
    assert recorded is not None
    recorded.delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == ALL_WELL | {"status": "failing", "migrations": "1 unapplied"}


def test_an_unreachable_database_fails_it(client, monkeypatch, tmp_path, caplog):
    nowhere = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "absent" / "db.sqlite3")}}
    )
    monkeypatch.setattr(health, "connection", nowhere["default"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": "unreachable",
        "migrations": "not checked",
        "job_queue": "not checked",
    }
    # Why goes to the server's log, not to whoever asked.
    assert "unable to open database file" in caplog.text
    assert "unable" not in response.text


def test_an_empty_queue_is_well(client, database_queue):
    assert client.get("/healthz").json()["job_queue"] == "ok, nothing waiting"


def test_it_says_how_long_the_oldest_job_has_waited(client, database_queue):
    _waiting_since(timezone.now() - timedelta(seconds=42))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["job_queue"] == "ok, oldest waiting 42 s"


def test_a_job_waiting_too_long_for_a_worker_fails_it(client, database_queue, settings, caplog):
    """No worker is running, or too few for the work."""
    settings.CASEAUDIT_JOB_QUEUE_MAX_WAIT = 300
    _waiting_since(timezone.now() - timedelta(seconds=301))
    _waiting_since(timezone.now() - timedelta(seconds=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["job_queue"] == "oldest waiting 301 s"
    assert "waited 301 s for a worker" in caplog.text


def test_a_job_deferred_until_later_is_not_waiting(client, database_queue):
    _waiting_since(timezone.now() - timedelta(hours=2), run_after=timezone.now() + timedelta(hours=1))
    assert client.get("/healthz").json()["job_queue"] == "ok, nothing waiting"


def _waiting_since(when, run_after=None):
    """A task queued at `when` (a test job's, never run here)."""
    task = write_teams.using(run_after=run_after) if run_after else write_teams
    result = task.enqueue(0)
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=when)
