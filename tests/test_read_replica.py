"""The report pages read from the replica named by DATABASE_REPLICA_URL; everything else, the access log
first, stays on the primary.

Two SQLite files stand in for a primary and a replica that has not caught up: the "replica" holds a demo
authority with years of graded audits, the primary none. What a page shows then says which one it read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import json, django
django.setup()
from django.test import Client
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import AccessLog, Role, User
from caseaudit.audits.models import Audit
from caseaudit.read_replica import reports_reads

lead = User.objects.create_user(username="replica-lead", password="x" * 16, role=Role.QA_LEAD)
client = Client(SERVER_NAME="127.0.0.1")
client.force_login(lead)
grades = client.get("/reports/")
compliance = client.get("/compliance/")
with reports_reads():
    audits_in_block = Audit.objects.count()
    people_in_block = User.objects.filter(username="replica-lead").count()
    record_access(lead, "view", "test", detail="inside a report")
print(json.dumps({
    "grades_status": grades.status_code,
    "grades_empty": "No graded audits yet" in grades.content.decode(),
    "compliance_status": compliance.status_code,
    "audits_on_primary": Audit.objects.count(),
    "audits_in_block": audits_in_block,
    "people_in_block": people_in_block,
    "logged_on_primary": AccessLog.objects.filter(username="replica-lead").count(),
}))
"""


def _caseaudit(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "caseaudit", *args], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("replica")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    env = _env(primary, None, folder)
    _caseaudit(env, "migrate", "--no-input")
    shutil.copyfile(primary, replica)
    _caseaudit({**_env(replica, None, folder), "CASEAUDIT_DEMO": "1"}, "demo-data", "--cases", "60")
    return primary, replica


def _env(primary: Path, replica: Path | None, folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{primary}",
        "CASEAUDIT_TESTING": "1",
        "CASEAUDIT_DATA_DIR": str(folder / "data"),
        "DJANGO_SETTINGS_MODULE": "caseaudit.settings",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    if replica is not None:
        env["DATABASE_REPLICA_URL"] = f"sqlite:///{replica}"
    return env


def _fresh(primary: Path, folder: Path) -> Path:
    """A copy of the empty primary for each test, so that each test signs in its own way."""
    return Path(shutil.copyfile(primary, folder / "primary.sqlite3"))


def _run(env: dict[str, str]) -> dict:
    completed = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_report_pages_read_the_replica_and_log_on_the_primary(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    primary, replica = _fresh(databases[0], tmp_path), databases[1]
    seen = _run(_env(primary, replica, tmp_path))
    assert seen["grades_status"] == 200 and seen["compliance_status"] == 200
    # The grade table counted the replica's audits: the primary has none.
    assert seen["audits_on_primary"] == 0
    assert not seen["grades_empty"]
    assert seen["audits_in_block"] > 0
    # People (and so sign-in) and the access log stay on the primary, even inside a report.
    assert seen["people_in_block"] == 1
    assert seen["logged_on_primary"] == 1


def test_without_a_replica_every_page_reads_the_primary(databases: tuple[Path, Path], tmp_path: Path) -> None:
    seen = _run(_env(_fresh(databases[0], tmp_path), None, tmp_path))
    assert seen["grades_empty"]
    assert seen["audits_in_block"] == 0


def test_a_replica_of_another_kind_of_database_is_refused(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    primary, _ = databases
    env = {**_env(primary, None, tmp_path), "DATABASE_REPLICA_URL": "postgres://nobody@127.0.0.1:1/none"}
    completed = subprocess.run(
        [sys.executable, "-m", "caseaudit", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode != 0
    assert "DATABASE_REPLICA_URL must name a replica of the same kind of database" in completed.stderr
