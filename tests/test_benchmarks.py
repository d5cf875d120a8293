"""`make bench` still runs: the benchmarks at a tiny size, checking they finish and report, never timing."""

import subprocess
import sys


def test_the_benchmarks_run_end_to_end_at_a_tiny_size():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--rows",
            "300",
            "--xlsx-rows",
            "300",
            "--plan-cases",
            "300",
            "--audits",
            "300",
            "--paper-audits",
            "40",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for name in (
        "import-cases, CSV",
        "import-cases, Annex A XLSX",
        "plan-cycle (dry run)",
        "compliance (every open case)",
        "report grades (table by year)",
    ):
        assert f"{name}: 300 rows" in run.stdout
    assert "ratio" in run.stdout
    assert "committee paper (PDF): 40 audits in" in run.stdout
    assert "committee paper download: first (draws and keeps PDF and Word)" in run.stdout
