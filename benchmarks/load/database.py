"""The load test's database: the demo authority at the size asked for, built once with `caseaudit demo-data`
and kept, keyed by size, seed, date and the code that builds it (the demo's generator and the migrations),
so that a kept demo is never one that code has since changed.

SQLite: built into `CACHE/demo-N-seedS-DATE-CODE.sqlite3`, then copied for each run, so that every run starts
from the same data (a run writes: sessions, the access log, autosaves). PostgreSQL (a `postgres://` URL):
the named database itself holds the demo; it is reused when it already holds this demo, built when it is
empty, and dropped and built again only with `rebuild` (never a database holding anything else)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Demo:
    cases: int
    seed: int
    today: date

    @property
    def key(self) -> str:
        return f"demo-{self.cases}-seed{self.seed}-{self.today.isoformat()}-{_code_digest()}"


# What the built demo depends on besides its size, seed and date.
_SOURCE = Path(__file__).resolve().parents[2] / "src" / "caseaudit"


def _code_digest() -> str:
    """A short digest of the demo's generator and every migration: a change to either builds it again."""
    files = sorted([*_SOURCE.glob("demo/*.py"), *_SOURCE.glob("*/migrations/*.py")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(_SOURCE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def caseaudit(*args: str, env: dict[str, str], quiet: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the caseaudit command line with the load test's environment."""
    return subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "caseaudit", *args],
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.PIPE if quiet else None,
    )


def described(env: dict[str, str]) -> dict | None:
    """The demo a database holds (`demo.built`: cases, seed, as_of), or None."""
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.load.plan", "describe"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def holds(env: dict[str, str], demo: Demo) -> bool:
    found = described(env)
    return found is not None and (found.get("cases"), found.get("seed"), found.get("as_of")) == (
        demo.cases,
        demo.seed,
        demo.today.isoformat(),
    )


def build(env: dict[str, str], demo: Demo) -> float:
    """Migrate and fill the database of `env`; returns the seconds demo-data took."""
    caseaudit("migrate", "--no-input", env=env)
    started = time.perf_counter()
    caseaudit(
        "demo-data",
        "--cases",
        str(demo.cases),
        "--seed",
        str(demo.seed),
        "--today",
        demo.today.isoformat(),
        env=env,
    )
    return time.perf_counter() - started


def sqlite_for_run(
    demo: Demo, cache: Path, work: Path, env: dict[str, str], rebuild: bool
) -> tuple[str, float | None]:
    """A copy of the cached SQLite demo for one run (building the cache first if need be): its URL, and
    the seconds the build took (None when the cache was used)."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"{demo.key}.sqlite3"
    seconds = None
    if rebuild or not cached.exists():
        # Demos of this size and seed built by older code are never used again.
        for stale in cache.glob(f"demo-{demo.cases}-seed{demo.seed}-*.sqlite3"):
            stale.unlink()
        partial = cache / f"{demo.key}.building.sqlite3"
        for leftover in cache.glob(f"{partial.name}*"):
            leftover.unlink()
        seconds = build({**env, "DATABASE_URL": f"sqlite:///{partial}"}, demo)
        # Everything is in the main file once the last connection has closed (SQLite folds the WAL in).
        partial.replace(cached)
    copy = work / "caseaudit.sqlite3"
    shutil.copyfile(cached, copy)
    url = f"sqlite:///{copy}"
    caseaudit("migrate", "--no-input", env={**env, "DATABASE_URL": url})  # a cache older than the code
    return url, seconds


def postgresql_ready(url: str, demo: Demo, env: dict[str, str], rebuild: bool) -> float | None:
    """Make the PostgreSQL database of `url` hold the demo; returns the build's seconds, or None if reused."""
    run_env = {**env, "DATABASE_URL": url}
    _create_database(url, run_env, drop=rebuild)
    caseaudit("migrate", "--no-input", env=run_env)
    if not rebuild and holds(run_env, demo):
        return None
    found = described(run_env)
    if found is not None and not rebuild:
        raise SystemExit(
            f"{_name(url)} holds another demo ({found}); use --rebuild to drop it and build this one."
        )
    if _has_cases(run_env):
        raise SystemExit(
            f"{_name(url)} holds cases that are not the demo's: the load test will not touch it."
        )
    return build(run_env, demo)


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _create_database(url: str, env: dict[str, str], *, drop: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    name = _name(url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            if _has_cases(env) and described(env) is None:
                raise SystemExit(
                    f"{name} holds cases that are not the demo's: the load test will not drop it."
                )
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _has_cases(env: dict[str, str]) -> bool:
    import psycopg

    url = env["DATABASE_URL"]
    with psycopg.connect(url) as connection:
        table = connection.execute("SELECT to_regclass('cases_case')").fetchone()
        if table is None or table[0] is None:
            return False
        row = connection.execute("SELECT EXISTS (SELECT 1 FROM cases_case)").fetchone()
        return bool(row and row[0])
