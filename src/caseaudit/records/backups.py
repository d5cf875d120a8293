"""`caseaudit backup` and `caseaudit restore`: one consistent copy of the whole database (the tables of
every app) taken while the service runs, and putting it back.

A backup holds every child's record: it is written readable by its owner only, and recorded in the access
log. A restore first checks that the file is a whole caseaudit backup for this kind of database, and
refuses to replace a database that holds records unless told to (`force`), saying what it would replace.
It cannot be an action function: it replaces the database underneath any transaction, change history
included, so it records itself in the restored history afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.changes import record_change
from caseaudit.policy import SYSTEM
from caseaudit.private_files import FileRefused, write_private

from . import postgres_backup, sqlite_backup

# The records that say a database is in use: a newly migrated one has none (its migrations fill in only
# lists such as the finding themes).
KEY_TABLES = {
    "accounts_user": "accounts",
    "cases_case": "cases",
    "audits_audit": "audits",
    "improvement_action": "actions",
    "accounts_changeevent": "change history entries",
}


class BackupRefused(FileRefused):
    """A backup or restore that would be wrong; nothing has changed."""


@dataclass(frozen=True)
class Contents:
    """What a database holds: rows in each table."""

    rows: dict[str, int]

    @property
    def in_use(self) -> bool:
        return any(self.rows.get(table, 0) for table in KEY_TABLES)

    def describe(self) -> str:
        counts = [f"{self.rows.get(table, 0):,} {name}" for table, name in KEY_TABLES.items()]
        total = sum(self.rows.values())
        return f"{', '.join(counts)} ({total:,} rows in {len(self.rows)} tables)"


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _tool() -> ModuleType:
    if connection.vendor == "postgresql":
        return postgres_backup
    if connection.vendor == "sqlite":
        return sqlite_backup
    raise BackupRefused(f"Backups of a {connection.vendor} database are not supported.")


def contents() -> Contents:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        rows = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the database
            rows[table] = cursor.fetchone()[0]
    return Contents(rows)


def take_backup(path: Path) -> Contents:
    """Write a backup of the whole database to `path` (mode 0600) and record it in the access log.
    Returns what the database held when the backup started (the backup is at least as recent)."""
    tool = _tool()
    held = contents()
    write_private(path, tool.backup_to)
    record_access(SYSTEM, "export", "database", detail=f"backup, {engine()}, {path.name}")
    return held


def restore_backup(path: Path, *, force: bool = False) -> Contents:
    """Replace the whole database with the backup at `path`. Returns what it replaced."""
    tool = _tool()
    if not path.is_file():
        raise BackupRefused(f"{path} is not a file.")
    _check_kind(path)
    tool.check_backup(path)
    _check_version(path, tool.migrations_in(path))
    if connection.in_atomic_block:
        raise BackupRefused("A restore cannot run inside a transaction.")
    replaced = contents()
    if replaced.in_use and not force:
        raise BackupRefused(
            f"The database is in use: it holds {replaced.describe()}. Restoring {path.name} replaces all "
            "of it. To replace it, run the restore again with --force."
        )
    tool.restore_from(path)
    record_change(
        SYSTEM,
        "database.restored",
        ("database", ""),
        old={key: replaced.rows.get(table, 0) for table, key in KEY_TABLES.items()},
        new={"backup": path.name, "engine": engine()},
    )
    return replaced


def _check_version(path: Path, applied: set[tuple[str, str]]) -> None:
    """A backup of a database that a newer version of caseaudit migrated may not work with this one, and
    `migrate` cannot take it back: refuse it, naming what this version does not know."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app} {name}" for app, name in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise BackupRefused(
            f"{path} was taken with a newer version of caseaudit: its database has changes this version "
            f"does not know ({names}{more}). Install that version, or a newer one, first."
        )


def _check_kind(path: Path) -> None:
    """A backup of the other kind of database gets a message that says so, not just 'not a backup'."""
    with path.open("rb") as file:
        start = file.read(16)
    if engine() == "sqlite" and start.startswith(postgres_backup.HEADER):
        raise BackupRefused(
            f"{path} is a PostgreSQL backup, but this service's database is SQLite (DATABASE_URL is not "
            "set). Restore it with DATABASE_URL set to the PostgreSQL database."
        )
    if engine() == "postgresql" and start.startswith(sqlite_backup.HEADER):
        raise BackupRefused(
            f"{path} is a SQLite backup, but this service's database is PostgreSQL (DATABASE_URL). "
            "Moving from SQLite to PostgreSQL is not supported."
        )
