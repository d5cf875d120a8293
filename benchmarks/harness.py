"""The benchmarks' machinery: each measurement in a process of its own (so its peak memory is its own), the
databases they run on (SQLite files, or PostgreSQL databases beside the one DATABASE_URL names), and the
plain connections the floors use."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# Set in a child to run everything but the work itself: its peak memory is the baseline (the interpreter,
# Django and the imports the work needs), which every figure includes and none is about.
IDLE = "CASEAUDIT_BENCH_IDLE"


@dataclass
class Measurement:
    seconds: float
    peak_mb: float


def measure_in_child(module: str, *args: str, idle: bool = False) -> Measurement:
    """Run `python -m module args...`; the child prints one JSON line with its own timing."""
    env = {**os.environ, IDLE: "1"} if idle else dict(os.environ)
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", module, *args], check=False, capture_output=True, text=True, env=env
    )
    if completed.returncode:
        raise SystemExit(f"{module} {' '.join(args[:1])} failed:\n{completed.stderr[-5000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return Measurement(figures["seconds"], figures["peak_mb"])


def run_in_child(module: str, *args: str) -> None:
    """Run a step that is not measured (building data), failing loudly."""
    subprocess.run([sys.executable, "-m", module, *args], check=True)  # noqa: S603 (our own module)


def report_from_child(work: Callable[[], None]) -> None:
    """In the child: time `work` and print the JSON line `measure_in_child` reads. Everything the child did
    before (setting Django up, importing) counts in its peak memory but not in its time."""
    started = time.perf_counter()
    if not os.environ.get(IDLE):
        work()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb() / 1024}))


def peak_kb() -> int:
    """The process's largest resident size. Linux's VmHWM, where there is one: ru_maxrss also keeps the
    size of the process it was forked from (the benchmark runner, which grows as it generates the data),
    so an idle child would seem as large as its parent."""
    try:
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# Databases -------------------------------------------------------------------------------------------------


def is_postgresql(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def django_for(url: str, *, migrate: bool = False) -> None:
    """Set up Django on the database `url` names (migrating it first when asked)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    os.environ.setdefault("CASEAUDIT_TESTING", "1")
    # Jobs a benchmark's work queues (an import queues the count of the new register's compliance) wait
    # for a worker, as in service, rather than run inside the command being timed (the tests' default).
    os.environ.setdefault("CASEAUDIT_TASKS_BACKEND", "database")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection

    # Connected before the timing starts, as the floors' plain connections are: neither times connecting.
    connection.ensure_connection()


def connect(url: str) -> Any:
    """A plain DB-API connection (sqlite3, or psycopg), for the floors: no Django in the timed work. SQLite
    gets the pragmas caseaudit's own connections use (settings.py), so both write under the same terms."""
    if is_postgresql(url):
        import psycopg

        return psycopg.connect(url)
    connection = sqlite3.connect(urlsplit(url).path)
    connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    return connection


def placeholders(sql: str, url: str) -> str:
    """Django's SQL uses %s; the sqlite3 module wants ?."""
    return sql if is_postgresql(url) else sql.replace("%s", "?")


def maintenance_url(url: str) -> str:
    """The server's own `postgres` database: the one DATABASE_URL names need not exist."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


class Databases:
    """Where one run of `make bench` keeps its databases: SQLite files in a temporary folder, or PostgreSQL
    databases named after the one in DATABASE_URL (`NAME_bench_LABEL`), dropped when the run ends. A
    database is built once (`url`), or copied fresh from a migrated template for each import (`fresh`)."""

    def __init__(self, folder: Path, postgresql_url: str = "") -> None:
        self.folder = folder
        self.base = postgresql_url
        self.kind = "PostgreSQL" if postgresql_url else "SQLite"
        self.made: list[str] = []

    def url(self, label: str) -> str:
        if not self.base:
            return f"sqlite:///{self.folder / (label + '.sqlite3')}"
        parts = urlsplit(self.base)
        return urlunsplit(parts._replace(path=f"{self._name(label)}"))

    def _name(self, label: str) -> str:
        return f"{urlsplit(self.base).path.lstrip('/')}_bench_{label}".replace("-", "_")

    def create(self, label: str, template: str | None = None) -> str:
        """An empty database (or a copy of `template`'s), made afresh."""
        url = self.url(label)
        if not self.base:
            path = Path(urlsplit(url).path)
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            if template:
                shutil.copyfile(urlsplit(self.url(template)).path, path)
            return url
        self._admin(f'DROP DATABASE IF EXISTS "{self._name(label)}"')
        copy = f' TEMPLATE "{self._name(template)}"' if template else ""
        self._admin(f'CREATE DATABASE "{self._name(label)}"{copy}')
        if label not in self.made:
            self.made.append(label)
        return url

    def migrated_template(self, label: str) -> str:
        """An empty, migrated database to copy for each import run."""
        url = self.create(label)
        run_in_child("benchmarks.harness", "migrate", url)
        if not self.base:
            # Fold the write-ahead log into the file, so that a copy of the file is the whole database.
            with sqlite3.connect(urlsplit(url).path) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return url

    def drop_all(self) -> None:
        for label in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{self._name(label)}"')
        self.made.clear()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(maintenance_url(self.base), autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type] (our own names)


def summary(url: str, table: str, columns: dict[str, str]) -> list[Any]:
    """What two imports must agree on, read cheaply: the row count and, per column, how many values it
    holds and their least and greatest (`value`), or how many distinct ones (`key`, for ids that two
    writers may number differently)."""
    parts = ["COUNT(*)"]
    for column, kind in columns.items():
        if kind == "key":
            parts.append(f"COUNT(DISTINCT {column})")
        else:
            parts += [f"COUNT({column})", f"MIN({column})", f"MAX({column})"]
    connection = connect(url)
    try:
        row = connection.execute(f"SELECT {', '.join(parts)} FROM {table}").fetchone()
    finally:
        connection.close()
    return [str(value) for value in row]


if __name__ == "__main__":
    mode, url = sys.argv[1:]
    if mode == "migrate":
        django_for(url, migrate=True)
    else:
        raise SystemExit(f"unknown mode {mode}")
