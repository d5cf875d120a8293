"""Backups of a PostgreSQL database with `pg_dump --format=custom`, which reads one consistent snapshot
while the service carries on, and restores with `pg_restore --clean --if-exists` in one transaction, so
a restore that fails part-way changes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection

from caseaudit.private_files import FileRefused

HEADER = b"PGDMP"
REQUIRED_TABLES = ("django_migrations", "accounts_user", "cases_case")


def _environment() -> dict[str, str]:
    """The connection settings of DATABASE_URL as libpq's variables, so that the password never appears
    in the list of running processes. `settings_dict` is the database in use (the test suite's too)."""
    settings = connection.settings_dict
    values = {
        "PGDATABASE": settings.get("NAME"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGSSLMODE": (settings.get("OPTIONS") or {}).get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise FileRefused(
            f"{name} is not installed: install PostgreSQL's client programs (on Debian, the "
            "postgresql-client package) in the version of the database server or newer."
        )
    return found


def _run(arguments: list[str]) -> str:
    # The program is found on PATH by name, and its arguments are ours and a file name: no shell.
    done = subprocess.run(  # noqa: S603
        arguments, env=_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise FileRefused(f"{Path(arguments[0]).name} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def backup_to(path: Path) -> None:
    _run([_program("pg_dump"), "--format=custom", "--no-password", f"--file={path}"])


def check_backup(path: Path) -> None:
    """Refuse, before anything changes, a file that is not a readable pg_dump archive of caseaudit."""
    with path.open("rb") as file:
        start = file.read(len(HEADER))
    if start != HEADER:
        raise FileRefused(
            f"{path} is not a PostgreSQL backup (pg_dump's custom format), so it is not a backup of this "
            "service."
        )
    listing = _run([_program("pg_restore"), "--list", str(path)])
    missing = [t for t in REQUIRED_TABLES if not re.search(rf"TABLE DATA \S+ {t} ", listing)]
    if missing:
        raise FileRefused(
            f"{path} is a PostgreSQL backup, but not of caseaudit (it has no {', '.join(missing)})."
        )


def migrations_in(path: Path) -> set[tuple[str, str]]:
    """The migrations applied to the database the backup was taken of, as (app, name): the rows of
    django_migrations, which pg_restore writes out as the tab-separated lines of a COPY."""
    script = _run([_program("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(path)])
    applied, in_copy = set(), False
    for line in script.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            in_copy = True
        elif line == "\\.":
            in_copy = False
        elif in_copy:
            fields = line.split("\t")
            applied.add((fields[1], fields[2]))
    return applied


def restore_from(path: Path) -> None:
    # The service's own connection would hold locks that the DROP TABLEs of --clean wait for.
    connection.close()
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={_environment()['PGDATABASE']}",
            str(path),
        ]
    )
