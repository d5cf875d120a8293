"""`caseaudit worker` as it runs in production: a process of its own, on a database file it shares with
the test. It is killed with SIGKILL half-way through a job (no chance to clean up), and another worker
started: the job's writes were rolled back with the dead worker, and the job runs again, once, or fails
saying nothing was changed. SIGTERM instead lets the job finish first.

The slow jobs (tests/jobs/tasks_for_tests.py) say when they have reached the middle by creating a file,
and wait there for a file the test creates; the test waits for files and rows, never for a time."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import caseaudit

# The repository's root (for the test jobs) and the source folder of the caseaudit being tested.
SOURCE = Path(caseaudit.__file__).resolve().parent.parent
ROOT = Path(__file__).resolve().parent.parent.parent
PATIENCE_SECONDS = 90  # a stuck worker fails the test, never hangs it


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("worker")
    database = folder / "migrated.sqlite3"
    _caseaudit(_env(database, folder), "migrate", "--no-input")
    return database


@pytest.fixture
def env(migrated: Path, tmp_path: Path) -> dict[str, str]:
    database = Path(shutil.copyfile(migrated, tmp_path / "caseaudit.sqlite3"))
    return _env(database, tmp_path)


def _env(database: Path, folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CASEAUDIT_TESTING": "1",
        "CASEAUDIT_TASKS_BACKEND": "database",
        "CASEAUDIT_DATA_DIR": str(folder / "data"),
        "DJANGO_SETTINGS_MODULE": "caseaudit.settings",
        "PYTHONPATH": os.pathsep.join([str(SOURCE), str(ROOT)]),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def _caseaudit(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    completed = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "caseaudit", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=PATIENCE_SECONDS,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def _scenario(env: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.jobs.scenario", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=PATIENCE_SECONDS,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]


def _start_job(env: dict[str, str], task: str, **arguments: str) -> int:
    return int(_scenario(env, "start", task, json.dumps(arguments)))


def _state(env: dict[str, str], job: int, team: str = "") -> dict:
    return json.loads(_scenario(env, "state", str(job), team))


@pytest.fixture
def workers(env: dict[str, str]) -> Iterator[list[subprocess.Popen]]:
    """Worker processes started by a test; any still running at its end are killed."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _worker(env: dict[str, str], workers: list[subprocess.Popen], *arguments: str) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "caseaudit", "worker", "--interval", "0.1", "--heartbeat", "0.2", *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    workers.append(process)
    return process


def _wait_for(what, process: subprocess.Popen | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not what():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker ended early: {process.stdout.read() if process.stdout else ''}")
        if time.monotonic() > deadline:
            pytest.fail("gave up waiting")
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()  # reaped: its process id is gone, as a dead worker's is


def test_a_worker_killed_mid_job_changed_nothing_and_the_next_worker_runs_the_job_again(
    env, workers, tmp_path
):
    reached, gate = tmp_path / "reached", tmp_path / "gate"
    job = _start_job(env, "write_then_wait", team="Written by the job", reached=str(reached), gate=str(gate))
    first = _worker(env, workers)
    _wait_for(reached.exists, first)  # the team is written, in the job's open transaction

    _kill(first)

    after_kill = _state(env, job, "Written by the job")
    assert after_kill["status"] == "running"  # as the dead worker left it
    assert after_kill["teams"] == 0  # its write died with it
    assert after_kill["tasks"] == ["RUNNING"]

    gate.touch()
    _caseaudit(env, "worker", "--batch", "--interval", "0")

    done = _state(env, job, "Written by the job")
    assert (done["status"], done["attempts"], done["teams"]) == ("done", 2, 1)
    assert done["tasks"] == ["FAILED", "SUCCESSFUL"]  # the lost task is closed, its retry ran


def test_a_job_lost_on_its_last_attempt_fails_and_says_nothing_was_changed(env, workers, tmp_path):
    env = {**env, "CASEAUDIT_JOB_ATTEMPTS": "1"}
    reached, gate = tmp_path / "reached", tmp_path / "gate"
    job = _start_job(env, "write_then_wait", team="Never written", reached=str(reached), gate=str(gate))
    first = _worker(env, workers)
    _wait_for(reached.exists, first)
    _kill(first)

    completed = _caseaudit(env, "worker", "--batch", "--interval", "0")

    state = _state(env, job, "Never written")
    assert state["status"] == "failed"
    assert state["failure"] == "The worker stopped while this was running; nothing was changed."
    assert state["teams"] == 0
    assert f"Job {job} had lost its worker: failed." in completed.stdout


def test_sigterm_lets_the_running_job_finish_before_the_worker_stops(env, workers, tmp_path):
    reached, gate = tmp_path / "reached", tmp_path / "gate"
    job = _start_job(env, "write_then_wait", team="Finished", reached=str(reached), gate=str(gate))
    worker = _worker(env, workers)
    _wait_for(reached.exists, worker)

    worker.send_signal(signal.SIGTERM)
    gate.touch()

    assert worker.wait(timeout=PATIENCE_SECONDS) == 0
    state = _state(env, job, "Finished")
    assert (state["status"], state["teams"]) == ("done", 1)


def test_the_rows_done_show_while_the_job_runs(env, workers, tmp_path):
    """A check writes nothing: the watchman writes its progress as it goes."""
    reached, gate = tmp_path / "reached", tmp_path / "gate"
    job = _start_job(env, "count_then_wait", reached=str(reached), gate=str(gate))
    worker = _worker(env, workers)
    _wait_for(lambda: _state(env, job)["rows_done"] == 5, worker)

    state = _state(env, job)
    assert (state["status"], state["rows_total"]) == ("running", 10)

    gate.touch()
    _wait_for(lambda: _state(env, job)["status"] == "done", worker)
    assert _state(env, job)["rows_done"] == 10
