"""Every file caseaudit writes holds, or may hold, children's data, so it is readable by the service's own
user only (0600, folders 0700): the SQLite database and its journal, the uploads, the exports."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from caseaudit.accounts.models import Role
from tests.factories import make_case, make_user

from .cycles.builders import make_cycle


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def caseaudit(data_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEAUDIT_") and k != "DATABASE_URL"}
    env.update({"CASEAUDIT_DEMO": "1", "CASEAUDIT_DATA_DIR": str(data_dir)})
    run = subprocess.run(  # noqa: S603 - caseaudit itself, with the test's own arguments
        [sys.executable, "-m", "caseaudit", *args], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


# While a connection is open, SQLite keeps its write-ahead log and shared memory beside the database.
LIST_WHILE_OPEN = """
from pathlib import Path
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE scratch (x)")
    cursor.execute("INSERT INTO scratch VALUES (1)")
    for path in sorted(Path(settings.DATA_DIR).rglob("*")):
        print(oct(path.stat().st_mode & 0o777), path.relative_to(settings.DATA_DIR))
"""


def test_the_database_and_its_journal_are_the_service_s_alone(tmp_path):
    data = tmp_path / "data"
    caseaudit(data, "migrate", "--no-input")
    assert mode(data) == 0o700
    assert mode(data / "caseaudit.sqlite3") == 0o600
    output = caseaudit(data, "shell", "-c", LIST_WHILE_OPEN).splitlines()
    listed = dict(line.split(" ", 1)[::-1] for line in output if line.startswith("0o"))
    assert {"caseaudit.sqlite3", "caseaudit.sqlite3-wal", "caseaudit.sqlite3-shm"} <= set(listed)
    assert {name: m for name, m in listed.items() if m not in ("0o600", "0o700")} == {}


def test_a_database_made_readable_by_others_before_is_closed_again(tmp_path):
    data = tmp_path / "data"
    caseaudit(data, "migrate", "--no-input")
    (data / "caseaudit.sqlite3").chmod(0o644)
    caseaudit(data, "check")
    assert mode(data / "caseaudit.sqlite3") == 0o600


@pytest.mark.django_db
def test_an_uploaded_register_is_kept_readable_by_the_service_only(client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(make_user(Role.QA_LEAD, "qa"))
    register = b"child_id,cohort,team,worker\nA1,care-leaver,North,Will\n"
    response = client.post(reverse("cases:import"), {"register_file": SimpleUploadedFile("r.csv", register)})
    assert response.status_code == 302  # to the page of its check
    (stored,) = settings.UPLOAD_DIR.iterdir()
    assert mode(settings.UPLOAD_DIR) == 0o700
    assert mode(stored) == 0o600 and stored.read_bytes() == register


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_cycle_writes_over_a_file_others_could_read_with_one_they_cannot(tmp_path, file_format):
    make_cycle([make_case("C001", "care-leaver")], name="Autumn 2026")
    target = tmp_path / f"autumn.{file_format}"
    target.write_text("an earlier file")
    target.chmod(0o644)
    call_command(
        "export_cycle", "Autumn 2026", "--format", file_format, "--output", str(target), stdout=io.StringIO()
    )
    assert mode(target) == 0o600
    assert target.read_bytes() != b"an earlier file"
