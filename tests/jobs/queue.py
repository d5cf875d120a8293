"""Running the queued jobs in a test: `caseaudit worker --batch`, in the test's own process and database
transaction (no watchman, whose connection of its own would not see the test's rows)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def run_queued_jobs() -> str:
    out = StringIO()
    call_command("worker", "--batch", "--heartbeat", "0", "--interval", "0", stdout=out)
    return out.getvalue()
