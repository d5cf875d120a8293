"""Writing the access log never fails a page: while another connection holds the log's lock (a long import
holds SQLite's write lock), a case page still answers, its entry waits in the spool, and the next entry
written puts it into the chain in its place. Nor does the session's own write fail it."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from caseaudit.accounts import log_writer
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import AccessLog
from caseaudit.signin.sessions import LAST_SEEN

from ..factories import make_case, make_team


@pytest.fixture(autouse=True)
def _short_waits(settings):
    settings.CASEAUDIT_LOG_LOCK_SECONDS = 0.2


@contextmanager
def log_held_elsewhere() -> Iterator[None]:
    """Another connection holds the lock a log write needs: SQLite's write lock, or PostgreSQL's advisory
    lock of the access log."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        other = sqlite3.connect(name, uri=str(name).startswith("file:"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                key = zlib.crc32(AccessLog._meta.db_table.encode())
                cursor.execute("SELECT pg_advisory_lock(%s)", [key])
                yield
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        finally:
            other.close()


def verified() -> str:
    out = StringIO()
    call_command("verify_access_log", stdout=out, stderr=StringIO())
    return out.getvalue()


# On SQLite the page must not hold the write lock already (as a test's own transaction would): these tests
# commit as the service does.
@pytest.mark.django_db(transaction=True)
def test_a_case_page_answers_while_the_log_is_locked_and_its_entry_joins_the_chain_after(client, personas):
    client.force_login(personas.team_manager)
    page = reverse("cases:detail", args=[personas.own_case.pk])
    with log_held_elsewhere():
        response = client.get(page, REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200
        assert "N000001" in response.text
    assert not AccessLog.objects.exists()
    spool = log_writer.spool_of(AccessLog)
    assert spool.count() == 1
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600

    record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
    waited, then = AccessLog.objects.order_by("seq")
    assert (waited.username, waited.address, waited.seq) == ("team-manager", "192.0.2.10", 1)
    assert (then.username, then.seq) == ("qa-lead", 2)
    assert waited.at < then.at  # the time it was read, not the time it was written
    assert not spool.waiting()
    assert "The access log holds 2 entries and its chain is whole." in verified()


@pytest.mark.django_db(transaction=True)
def test_a_page_that_moves_the_session_on_still_answers_while_the_database_is_locked(client, personas):
    """Once a minute a page writes the time of the person's last request into their session: during a
    long import, the session keeps its earlier time and the next request writes it."""
    client.force_login(personas.team_manager)
    session = client.session
    session[LAST_SEEN] = a_while_ago = time.time() - 120
    session.save()
    page = reverse("cases:detail", args=[personas.own_case.pk])
    with log_held_elsewhere():
        assert client.get(page).status_code == 200
    if connection.vendor == "sqlite":
        assert client.session[LAST_SEEN] == a_while_ago
    assert client.get(page).status_code == 200
    assert client.session[LAST_SEEN] > a_while_ago
    assert "The access log holds 2 entries and its chain is whole." in verified()


@pytest.mark.django_db(transaction=True)
def test_verifying_drains_the_spool_first(personas):
    with log_held_elsewhere():
        record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
        record_access(personas.auditor, "view", "case", personas.own_case.pk)
    assert "The access log holds 2 entries and its chain is whole." in verified()
    assert [e.username for e in AccessLog.objects.order_by("seq")] == ["qa-lead", "auditor"]


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_never_fork_the_chain(db):
    team = make_team("North")
    cases = [make_case(f"N00000{n}", "care-leaver", team) for n in range(4)]

    def read(case) -> None:
        try:
            for _ in range(10):
                record_access(None, "view", "case", case.pk)
        finally:
            connection.close()

    readers = [threading.Thread(target=read, args=(case,)) for case in cases]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert "The access log holds 40 entries and its chain is whole." in verified()
    assert sorted(AccessLog.objects.values_list("seq", flat=True)) == list(range(1, 41))
