"""`make bench` still runs: every benchmark at a tiny size, on SQLite, writing a report in the format of
benchmarks/RESULTS.md with a figure for each. Never timed: the figures are the benchmark's, not the test's."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.__main__ import ENTRIES

TITLES = {
    "import-csv": "import-cases, CSV",
    "import-annex-a": "import-cases, Annex A XLSX",
    "import-ssda903": "import-returns, SSDA903",
    "plan-cycle": "plan-cycle (dry run)",
    "compliance": "compliance (every open case)",
    "grade-table": "report grades (table by year)",
    "paper": "committee paper (PDF)",
    "export-xlsx": "export-audits, XLSX",
    "load-test": "load test, slowest page's p95",
}


SIZES = (
    "--rows",
    "300",
    "--xlsx-rows",
    "300",
    "--ssda903-episodes",
    "300",
    "--plan-cases",
    "300",
    "--audits",
    "300",
)


def bench(*args: str) -> None:
    run = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "benchmarks", *SIZES, "--runs", "1", "--database", "sqlite", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]


def table_rows(text: str) -> dict[str, list[str]]:
    """The report's table rows by their first cell, each as its cells."""
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): [cell.strip() for cell in cells] for cells in rows}


def test_every_benchmark_runs_at_a_tiny_size_and_reports_a_figure(tmp_path):
    assert set(ENTRIES) == set(TITLES)  # a new benchmark is reported, and checked here
    report = tmp_path / "RESULTS.md"
    bench(
        *("--paper-audits", "20", "--export-audits", "300"),
        # Two people: the demo of 300 cases has too few auditors for eight to write audits of their own.
        *("--load-cases", "300", "--load-users", "2", "--load-seconds", "5"),
        *("--out", str(report)),
    )
    text = report.read_text()
    for heading in ("## Machine", "## SQLite", "## The floors", "## Peak memory"):
        assert heading in text
    for name in ("CPU", "RAM", "OS", "Python", "Django", "SQLite", "polars", "Load average"):
        assert f"| {name}" in text
    rows = table_rows(text)
    for name, title in TITLES.items():
        cells = rows[title]
        # benchmark, size, times, floor, ratio, target, verdict, memory, when it was measured
        assert len(cells) == 9, cells
        size, ours, floor, ratio, target, verdict, memory, _ = cells[1:]
        if name == "load-test":
            # The slowest page's p95 and the floor's, each page's target, and a table of every page.
            assert size == "300 cases" and ours.endswith("(p95)") and floor.endswith("(p95)")
            assert target == "every page's p95 < 100 ms" and memory.startswith("—")
            assert verdict == "within target" or verdict.startswith("OVER TARGET ("), verdict
            assert "### Load test, SQLite" in text and "| register (searched) |" in text
            continue
        assert size.startswith(("300 ", "20 ")) and " (" in ours and "idle" in memory
        if name == "paper":
            assert (floor, ratio, target, verdict) == ("—", "—", "—", "no target (time only)")
        else:
            # A floor, its ratio and target; an import's floor wrote the same rows as caseaudit.
            assert " (" in floor and float(ratio) > 0 and target.startswith("<= ")
            assert verdict in ("within target", "OVER TARGET"), verdict
        assert f"`--only {name}`" in text


def test_a_run_of_one_benchmark_replaces_its_figure_and_keeps_the_others(tmp_path):
    report = tmp_path / "RESULTS.md"
    bench("--only", "plan-cycle", "--only", "grade-table", "--out", str(report))
    before = table_rows(report.read_text())
    bench("--only", "grade-table", "--audits", "200", "--out", str(report))
    after = table_rows(report.read_text())
    assert after[TITLES["plan-cycle"]] == before[TITLES["plan-cycle"]]  # kept, with when it was measured
    assert (before[TITLES["grade-table"]][1], after[TITLES["grade-table"]][1]) == ("300 audits", "200 audits")
