"""The load test still runs: tiny (300 cases, two people, a few seconds), it finishes with no errors and a
figure for every page. Never timed: the figures are the benchmark's, not the test's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.load

PAGES = {
    "register",
    "register (filtered)",
    "register (sorted)",
    "register (searched)",
    "case page",
    "cycle page",
    "My audits",
    "audit task list",
    "audit section",
    "autosave (POST)",
    "compliance",
    "reports",
    "committee paper",
    "healthz (floor)",
}


def _database_url() -> str:
    """On PostgreSQL, a database of the test's own beside the suite's (the load test builds and serves it
    outside the test's transaction); on SQLite, the load test's own file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return ""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/test_{parts.path.lstrip('/')}_load"))


def test_the_load_test_runs_tiny_with_no_errors_and_reports_every_page(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    env = {key: value for key, value in os.environ.items() if key != "CASEAUDIT_TESTING"}
    env["DATABASE_URL"] = _database_url()
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"), str(root), env.get("PYTHONPATH")]))
    run = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [
            sys.executable,
            "-m",
            "benchmarks.load_test",
            "--cases",
            "300",
            "--users",
            "2",
            "--seconds",
            "5",
            "--rebuild",
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,  # a bound on a stuck run, not a timing
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(out.read_text())
    totals = result["totals"]
    assert totals["errors"] == 0, result["failure_samples"]
    assert totals["load_test_errors"] == totals["server_errors"] == totals["database_locked"] == 0
    reported = {row["page"]: row for row in result["pages"]}
    assert set(reported) >= PAGES
    for page in PAGES:
        assert reported[page]["requests"] > 0 and reported[page]["p95_ms"] > 0
    assert result["floor"]["page"] == "healthz (floor)"
    assert "p95 ms" in run.stdout and "healthz (floor)" in run.stdout
