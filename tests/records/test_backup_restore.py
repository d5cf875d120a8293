"""`caseaudit backup` and `caseaudit restore`, on whichever database the suite runs on (SQLite, or
PostgreSQL with DATABASE_URL): what comes back is exactly what was backed up, in every table of every app.

These tests use `transactional_db`: a backup is taken by another connection (pg_dump) or of the whole
database file, so the data must be committed, not held in the test's rolled-back transaction."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import AccessLog, ChangeEvent, Role
from caseaudit.cases.models import Case
from caseaudit.improvement.models import Action

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_case, make_user
from ..improvement.conftest import make_action

pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table in the database, in a stable order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            tables[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return tables


@pytest.fixture
def service(personas):
    """Some of everything: a confirmed cycle with audits allocated, an action, the change history and the
    access log they leave."""
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    make_action(personas.own_case, personas.worker, audit=cycle.audits.get(case=personas.own_case))
    record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
    return personas


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, *flags: str) -> str:
    out = StringIO()
    call_command("restore", str(path), *flags, stdout=out)
    return out.getvalue()


def test_a_restore_brings_back_every_table_as_it_was_backed_up(service, tmp_path):
    target = tmp_path / "caseaudit.backup"
    backed_up = every_table()
    said = backup(target)
    assert "2 cases" in said
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert AccessLog.objects.filter(action="export", object_type="database").exists()

    # Changes after the backup, in several apps: all of them must go.
    Case.objects.filter(pk=service.own_case.pk).update(cohort="child-in-need")
    Action.objects.all().delete()
    make_case("N000099")
    make_user(Role.AUDITOR, "late-joiner")
    assert every_table() != backed_up

    said = restore(target, "--force")

    restored = every_table()
    history = "accounts_changeevent"
    events = set(restored[history]) - set(backed_up[history])
    assert [ChangeEvent.objects.get(pk=row[0]).event for row in events] == ["database.restored"]
    restored[history] = sorted(set(restored[history]) - events, key=repr)
    assert restored.keys() == backed_up.keys()
    for table in backed_up:
        assert restored[table] == backed_up[table], table
    assert "It replaced a database holding" in said and "3 cases" in said


def test_a_restore_will_not_replace_a_database_in_use_without_force(service, tmp_path):
    target = tmp_path / "caseaudit.backup"
    backup(target)
    make_case("N000099")
    with pytest.raises(CommandError, match=r"in use: it holds .*3 cases.*--force"):
        restore(target)
    assert Case.objects.filter(child_id="N000099").exists()


def test_a_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(service, tmp_path):
    before = every_table()
    not_a_backup = tmp_path / "register.csv"
    not_a_backup.write_text("child_id,cohort\nN000001,care-leaver\n")
    with pytest.raises(CommandError, match=r"not a .*backup of this service"):
        restore(not_a_backup, "--force")
    with pytest.raises(CommandError, match="is not a file"):
        restore(tmp_path / "missing.backup", "--force")
    assert every_table() == before


def test_a_restore_refuses_a_backup_of_the_other_kind_of_database(service, tmp_path):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
        expected = "a PostgreSQL backup, but this service's database is SQLite"
    else:
        other.write_bytes(b"SQLite format 3\x00" + bytes(100))
        expected = "a SQLite backup, but this service's database is PostgreSQL"
    with pytest.raises(CommandError, match=expected):
        restore(other, "--force")
    assert Case.objects.count() == 2


def test_a_restore_refuses_a_backup_from_a_newer_version_and_changes_nothing(service, tmp_path):
    future = MigrationRecorder.Migration.objects.create(app="records", name="9999_from_a_newer_version")
    target = tmp_path / "caseaudit.backup"
    backup(target)
    future.delete()
    make_case("N000099")
    before = every_table()
    with pytest.raises(CommandError, match=r"newer version of caseaudit.*records 9999_from_a_newer_version"):
        restore(target, "--force")
    assert every_table() == before


def test_a_backup_into_a_missing_folder_says_so(service, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        backup(tmp_path / "nowhere" / "caseaudit.backup")


def test_the_logs_verify_after_a_restore_and_carry_on_from_it(service, tmp_path):
    target = tmp_path / "caseaudit.backup"
    backup(target)
    record_access(service.qa_lead, "view", "case", service.other_case.pk)  # lost with the restore
    restore(target, "--force")
    record_access(service.auditor, "view", "case", service.own_case.pk)
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    assert "The access log holds 2 entries and its chain is whole." in out.getvalue()
    assert [e.username for e in AccessLog.objects.order_by("seq")] == ["qa-lead", "auditor"]
