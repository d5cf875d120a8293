"""/healthz tells a load balancer or monitor whether this copy of the service can work: anyone may ask, and
the answer holds no data."""

from __future__ import annotations

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler

from caseaudit.serving import health

pytestmark = pytest.mark.django_db

ALL_WELL = {"status": "ok", "database": "ok", "migrations": "ok", "job_queue": "not configured"}


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
