"""Jobs for the tests of the job machinery: each writes something a test can look for, and the slow ones
wait at a gate (a file the test creates) so that a test can stop their worker half-way. They live here,
not in the service: a test run's worker imports them with the repository on its path."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django_tasks import task

from caseaudit.cases.models import Team
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job

GATE_PATIENCE_SECONDS = 120


@task()
def write_teams(job_id: int) -> None:
    run_job(job_id, _write_teams, changes=True)


def _write_teams(job: Job, progress: Progress) -> dict[str, Any]:
    names = job.arguments["names"]
    progress.total(len(names))
    for name in names:
        Team.objects.create(name=name)
        progress.advance()
    return {"written": len(names)}


@task()
def write_then_wait(job_id: int) -> None:
    run_job(job_id, _write_then_wait, changes=True)


def _write_then_wait(job: Job, progress: Progress) -> dict[str, Any]:
    """Writes a team, says so (the `reached` file), then waits for the gate before it commits."""
    progress.total(2)
    Team.objects.create(name=job.arguments["team"])
    progress.advance()
    Path(job.arguments["reached"]).touch()
    _wait_for(Path(job.arguments["gate"]))
    progress.advance()
    return {"written": 1}


@task()
def count_then_wait(job_id: int) -> None:
    run_job(job_id, _count_then_wait, changes=False)


def _count_then_wait(job: Job, progress: Progress) -> dict[str, Any]:
    """Reads, counting five rows of ten, then waits for the gate: a check, writing nothing."""
    progress.total(10)
    progress.advance(5)
    Path(job.arguments["reached"]).touch()
    _wait_for(Path(job.arguments["gate"]))
    progress.advance(5)
    return {"counted": 10}


@task()
def write_then_refuse(job_id: int) -> None:
    run_job(job_id, _write_then_refuse, changes=True)


def _write_then_refuse(job: Job, progress: Progress) -> None:
    Team.objects.create(name=job.arguments["team"])
    raise JobFailed("register.csv has no rows of cases: nothing to import.")


@task()
def write_then_break(job_id: int) -> None:
    run_job(job_id, _write_then_break, changes=True)


def _write_then_break(job: Job, progress: Progress) -> None:
    Team.objects.create(name=job.arguments["team"])
    raise RuntimeError("a bug")


def _wait_for(gate: Path) -> None:
    deadline = time.monotonic() + GATE_PATIENCE_SECONDS
    while not gate.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never opened the gate")
        time.sleep(0.05)
