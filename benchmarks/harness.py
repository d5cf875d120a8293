"""Run each measurement in its own process, so that peak memory is that measurement's alone."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    seconds: float
    peak_mb: float


def measure_in_child(module: str, *args: str, env: dict[str, str] | None = None) -> Measurement:
    """Run `python -m module args...`; the child prints one JSON line with its own timing."""
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", module, *args],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if completed.returncode:
        raise SystemExit(f"{module} {args[0]} failed:\n{completed.stderr}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return Measurement(figures["seconds"], figures["peak_mb"])


def report_from_child(work: Callable[[], None]) -> None:
    """In the child: time `work` and print the JSON line `measure_in_child` reads."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def django_for(database: Path) -> None:
    """Set up Django on a fresh SQLite file, migrated."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    os.environ.setdefault("CASEAUDIT_TESTING", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def line(name: str, rows: int, ours: Measurement, floor: Measurement, target: float) -> str:
    ratio = ours.seconds / floor.seconds
    verdict = "within target" if ratio <= target else "OVER TARGET"
    return (
        f"{name}: {rows:,} rows in {ours.seconds:.2f} s ({rows / ours.seconds:,.0f} rows/s), "
        f"peak {ours.peak_mb:,.0f} MB | floor {floor.seconds:.2f} s, peak {floor.peak_mb:,.0f} MB | "
        f"ratio {ratio:.2f} (target <= {target}: {verdict})"
    )
