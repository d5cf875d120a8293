"""Running the queued jobs in a test: `caseaudit worker --batch`, in the test's own process and database
transaction (no watchman, whose connection of its own would not see the test's rows)."""

from __future__ import annotations

from io import StringIO
from unittest import mock

from django.core.management import call_command


def run_queued_jobs() -> str:
    out = StringIO()
    # The worker closes its connection between tasks when it is not in autocommit mode, as a long-lived
    # process should; inside a test's transaction that would close the test's own connection (Django's
    # test client skips the same call between requests for the same reason).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--heartbeat", "0", "--interval", "0", stdout=out)
    return out.getvalue()
