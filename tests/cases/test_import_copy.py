"""On PostgreSQL the imports write new rows with COPY: the same rows as on SQLite (where they are written with
executemany), and all or nothing like any other write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from caseaudit import bulk_insert
from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.models import Audit
from caseaudit.cases.actions import import_case_register
from caseaudit.cases.models import Case, ImportBatch, Staff, Team
from caseaudit.policy import SYSTEM

from .copy_snapshot import TODAY, import_files, snapshot, write_files

ROOT = Path(__file__).resolve().parents[2]

on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="COPY is PostgreSQL's: on SQLite there is only the one way of writing",
)


def imported(register: Path, history: Path) -> dict:
    """What the two imports write, rolled back afterwards so the next import starts from the same place."""
    with transaction.atomic():
        import_files(register, history)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


@on_postgresql
@pytest.mark.django_db
def test_copy_writes_the_same_rows_as_sqlite_and_as_executemany(tmp_path, monkeypatch):
    register, history = write_files(tmp_path)
    by_copy = imported(register, history)
    # 600 generated cases, 3 awkward ones and the 2 historical cases of children no longer in the register.
    assert len(by_copy["cases"]) == 605 and len(by_copy["audits"]) == 5
    assert by_copy["cases_without_a_time"] == by_copy["audits_without_a_time"] == 0
    awkward = {row[0]: row for row in by_copy["cases"] if row[0].startswith("Z")}
    assert awkward["Z1"][2:5] == ['North, "East"', "\\N", "=SUM(A1)"]
    assert awkward["Z2"][2:4] == ["Zoë's team", "Łukasz Ńowak"]

    monkeypatch.setattr(bulk_insert, "uses_copy", lambda: False)
    assert imported(register, history) == by_copy

    on_sqlite = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.cases.copy_snapshot", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'sqlite.sqlite3'}",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        },
        timeout=300,
    )
    assert on_sqlite.returncode == 0, on_sqlite.stderr[-3000:]
    assert json.loads(on_sqlite.stdout.splitlines()[-1]) == by_copy


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_after_its_copy_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    register, _ = write_files(tmp_path, generated=200)
    copied = []
    real_copy = bulk_insert._copy

    def copy_then_note(*args, **kwargs):
        real_copy(*args, **kwargs)
        copied.append(Case.objects.count())

    def fail(*args, **kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(bulk_insert, "_copy", copy_then_note)
    # The last step of the import, after every row is written.
    monkeypatch.setattr("caseaudit.cases.actions.record_change", fail)
    with pytest.raises(RuntimeError, match="disk filled up"):
        import_case_register(register, acting_user=SYSTEM, today=TODAY)
    assert copied == [203]  # the COPY had written every case inside the transaction ...
    assert not connection.in_atomic_block
    # ... and none of it, nor the teams, staff and batch written before it, outlived the failure.
    assert Case.objects.count() == Team.objects.count() == Staff.objects.count() == 0
    assert ImportBatch.objects.count() == ChangeEvent.objects.count() == Audit.objects.count() == 0
