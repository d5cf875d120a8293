"""Backups of a SQLite database with SQLite's online backup API (`Connection.backup`): a consistent copy
taken page by page while the service carries on (readers and writers are not stopped; a write during the
copy makes SQLite start again), which a plain copy of a database in write-ahead-log mode is not."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from django.db import connection

from caseaudit.private_files import FileRefused

HEADER = b"SQLite format 3\x00"
# A caseaudit database has these; a SQLite file without them is some other program's.
REQUIRED_TABLES = ("django_migrations", "accounts_user", "cases_case")


def _live() -> sqlite3.Connection:
    """The service's own connection (also right for the test suite's database in memory)."""
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def backup_to(path: Path) -> None:
    with closing(sqlite3.connect(path)) as target:
        _live().backup(target)


def check_backup(path: Path) -> None:
    """Refuse, before anything changes, a file that is not a whole, readable caseaudit SQLite database."""
    with path.open("rb") as file:
        start = file.read(len(HEADER))
    if start != HEADER:
        raise FileRefused(f"{path} is not a SQLite database, so it is not a backup of this service.")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            verdict = backup.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise FileRefused(f"{path} cannot be read as a SQLite database ({error}).") from None
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise FileRefused(
            f"{path} is a SQLite database, but not caseaudit's (it has no {', '.join(missing)})."
        )
    if verdict != "ok":
        raise FileRefused(f"{path} is damaged (SQLite's check says: {verdict}).")


def migrations_in(path: Path) -> set[tuple[str, str]]:
    """The migrations applied to the database the backup was taken of, as (app, name)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        return {(app, name) for app, name in backup.execute("SELECT app, name FROM django_migrations")}


def restore_from(path: Path) -> None:
    """Replace the whole database with the backup, in one step: SQLite copies every page of the backup
    over the live database under its write lock, so a reader sees the old database or the new one."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        backup.backup(_live())
