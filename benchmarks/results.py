"""The figures of a `make bench` run and the report it writes, benchmarks/RESULTS.md (docs/performance.md says
how to read it), with the figures themselves beside it in benchmarks/RESULTS.json, so that a run of one
benchmark (`--only`) replaces that benchmark's figures and keeps the others, each with the day it was
measured."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from benchmarks.harness import Measurement

# No command may need more than this at 1,000,000 rows (issue: deployment and scale).
MEMORY_LIMIT_MB = 1024.0
# A peak less than this above the idle child's is within what two runs of the same child differ by: it says
# the work needed little memory, not how little.
NOISE_MB = 20.0


@dataclass
class Figure:
    """One benchmark on one database: caseaudit's runs and, when it has one, the floor's, alternated."""

    name: str  # what --only takes
    title: str
    database: str  # "SQLite" or "PostgreSQL"
    rows: int
    unit: str  # what `rows` counts
    target: float | None  # the largest ratio to the floor that meets the target; None: the time is the figure
    floor_is: str  # what the floor does, in a sentence
    ours: list[Measurement] = field(default_factory=list)
    floor: list[Measurement] = field(default_factory=list)
    baseline_mb: float = 0.0  # the peak of the same child, idle
    same_rows: bool | None = None  # imports: the floor's table agreed with caseaudit's (None: not compared)
    # The load test: its JSON (benchmarks/load_test.py), whose pages have a target each rather than a ratio.
    load: dict | None = None
    measured: str = field(default_factory=lambda: f"{datetime.now():%d %b %Y %H:%M}")

    @property
    def median(self) -> float:
        return statistics.median(m.seconds for m in self.ours)

    @property
    def floor_median(self) -> float | None:
        return statistics.median(m.seconds for m in self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None

    @property
    def peak_mb(self) -> float:
        return max(m.peak_mb for m in self.ours)

    @property
    def verdict(self) -> str:
        if self.load is not None:
            return load_verdict(self.load)
        problems = []
        if self.target is not None and self.ratio is not None and self.ratio > self.target:
            problems.append("OVER TARGET")
        if self.peak_mb > MEMORY_LIMIT_MB:
            problems.append("OVER 1 GB")
        if self.same_rows is False:
            problems.append("ROWS DIFFER FROM THE FLOOR'S")
        if problems:
            return ", ".join(problems)
        return "within target" if self.target is not None else "no target (time only)"

    def line(self) -> str:
        """One line for the terminal, as the run goes."""
        if self.load is not None:
            return (
                f"[{self.database}] {self.title}: {self.median * 1000:.0f} ms at {self.rows:,} {self.unit} "
                f"| floor {(self.floor_median or 0) * 1000:.0f} ms | {self.verdict}"
            )
        text = (
            f"[{self.database}] {self.title}: {self.rows:,} {self.unit} in {self.median:.2f} s "
            f"(min {min(m.seconds for m in self.ours):.2f}, max {max(m.seconds for m in self.ours):.2f})"
        )
        if self.floor_median is not None:
            text += f" | floor {self.floor_median:.2f} s | ratio {self.ratio:.2f} (target <= {self.target})"
        return f"{text} | peak {self.peak_mb:,.0f} MB (idle {self.baseline_mb:,.0f} MB) | {self.verdict}"


def save_figures(path: Path, figures: list[Figure]) -> None:
    path.write_text(json.dumps([asdict(f) for f in figures], indent=1) + "\n", encoding="utf-8")


def saved_figures(path: Path) -> list[Figure]:
    """The figures a report was written from, or none when there is no such file."""
    if not path.exists():
        return []
    figures = []
    for saved in json.loads(path.read_text(encoding="utf-8")):
        figure = Figure(**saved)
        figure.ours = [Measurement(**m) for m in saved["ours"]]
        figure.floor = [Measurement(**m) for m in saved["floor"]]
        figures.append(figure)
    return figures


def with_new(figures: list[Figure], new: Figure) -> list[Figure]:
    """`figures` with `new` in place of the figure of the same benchmark and database, or added."""
    key = (new.name, new.database)
    if key not in [(f.name, f.database) for f in figures]:
        return [*figures, new]
    return [new if (f.name, f.database) == key else f for f in figures]


def _seconds(measurements: list[Measurement]) -> str:
    times = [m.seconds for m in measurements]
    return f"{statistics.median(times):.2f} ({min(times):.2f} to {max(times):.2f})"


def load_verdict(load: dict) -> str:
    totals = load["totals"]
    problems = []
    if totals["pages_missing_target"]:
        problems.append(f"OVER TARGET ({', '.join(totals['pages_missing_target'])})")
    failures = totals["errors"] + totals["server_errors"] + totals["load_test_errors"]
    if failures or totals["database_locked"]:
        problems.append(f"ERRORS ({failures}; database locked {totals['database_locked']})")
    return ", ".join(problems) or "within target"


def _load_section(figure: Figure) -> list[str]:
    """Each page of a load test: requests, p50, p95, p99 and its target."""
    assert figure.load is not None
    run, floor = figure.load["run"], figure.load["floor"]
    lines = [
        "",
        f"### Load test, {figure.database}",
        "",
        f"{run['users']} people on {run['cases']:,} cases, arriving one every {run['arrive_seconds']:g} s, "
        f"then {run['seconds']:.0f} s with everyone in (what the figures count), pausing "
        f"{run['think_seconds']:g} s on average between pages; `caseaudit serve` with "
        f"{run['workers'] or 'its default'} workers. Floor: `/healthz` among the pages, p95 "
        f"{floor['p95_ms']:.0f} ms.",
        "",
        "| page | requests | p50 ms | p95 ms | p99 ms | errors | p95 < 100 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for page in figure.load["pages"]:
        verdict = {None: "—", True: "yes", False: "NO"}[page["meets_target"]]
        lines.append(
            f"| {page['page']} | {page['requests']:,} | {page['p50_ms']:.0f} | {page['p95_ms']:.0f} | "
            f"{page['p99_ms']:.0f} | {page['errors']:,} | {verdict} |"
        )
    return lines


def _memory(figure: Figure) -> str:
    if figure.load is not None:
        return "— (a server and its workers, not one command)"
    above = figure.peak_mb - figure.baseline_mb
    if above < NOISE_MB:
        return f"{figure.peak_mb:,.0f} (idle {figure.baseline_mb:,.0f}; near idle: not a measurement)"
    return f"{figure.peak_mb:,.0f} (idle {figure.baseline_mb:,.0f}, +{above:,.0f})"


def machine(postgresql_version: str = "") -> list[tuple[str, str]]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal"):
                memory = f"{int(text.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    system = platform.platform()
    try:
        for text in Path("/etc/os-release").read_text().splitlines():
            if text.startswith("PRETTY_NAME="):
                system = f"{text.split('=', 1)[1].strip(chr(34))} ({platform.platform()})"
    except OSError:
        pass
    rows = [
        ("CPU", f"{cpu}, {os.cpu_count()} CPUs"),
        ("RAM", memory),
        ("OS", system),
        ("Python", platform.python_version()),
        ("Django", _version("django")),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if postgresql_version:
        rows.append(("PostgreSQL", postgresql_version))
    rows += [(name, _version(name)) for name in ("polars", "fastexcel", "xlsxwriter", "psycopg")]
    return rows


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def write_results(
    path: Path,
    figures: list[Figure],
    *,
    command: str,
    runs: int,
    started: datetime,
    load: tuple[tuple[float, ...], tuple[float, ...]],
    postgresql_version: str = "",
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {started:%d %B %Y} (started {started:%H:%M}, took "
        f"{(datetime.now() - started).total_seconds() / 60:.0f} min). "
        "docs/performance.md says how to read it. A run of some benchmarks (`--only`) keeps the figures of "
        "the others from the run that measured them: the last column says when each was measured.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine(postgresql_version)),
        f"| Load average (1, 5, 15 min), this run | at the start {_load(load[0])}; "
        f"at the end {_load(load[1])} |",
        "",
        f"Each time is the median of {runs} runs, with the fastest and slowest in brackets; caseaudit's runs "
        "and its floor's alternate (caseaudit, floor, caseaudit, floor, ...), so a change in the machine's "
        "load falls on both. Ratio: caseaudit's median over the floor's. Peak memory: the largest resident "
        "size (VmHWM) of caseaudit's runs, in MB, and in brackets that of the same process idle (the "
        "interpreter, Django and the imports, with no work done).",
    ]
    for database in dict.fromkeys(f.database for f in figures):
        lines += [
            "",
            f"## {database}",
            "",
            "| benchmark | size | caseaudit s | floor s | ratio | target | verdict | peak memory MB "
            "| measured |",
            "|---|---:|---:|---:|---:|---:|---|---|---|",
        ]
        for f in (f for f in figures if f.database == database):
            floor = _seconds(f.floor) if f.floor else "—"
            ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
            target = f"<= {f.target}x" if f.target is not None else "—"
            ours = _seconds(f.ours)
            if f.load is not None:
                ours, floor = f"{f.median:.3f} (p95)", f"{f.floor_median or 0:.3f} (p95)"
                target = "every page's p95 < 100 ms"
            lines.append(
                f"| {f.title} | {f.rows:,} {f.unit} | {ours} | {floor} | {ratio} | {target} | "
                f"{f.verdict} | {_memory(f)} | {f.measured} |"
            )
        lines += [line for f in figures if f.database == database and f.load for line in _load_section(f)]
    lines += ["", "## The floors", ""]
    for f in dict((f.name, f) for f in figures).values():
        lines.append(f"- **{f.title}** (`--only {f.name}`): {f.floor_is}")
    lines += [
        "",
        "## Peak memory",
        "",
        f"Every command must stay under {MEMORY_LIMIT_MB:,.0f} MB at 1,000,000 rows. A child process's peak "
        "includes what the interpreter and its imports cost before any work, so each figure's idle child "
        "(the same command, set up, doing nothing) is measured too. A peak less than "
        f"{NOISE_MB:.0f} MB above it is marked: the work needed little memory, and the figure says no more "
        "than that.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _load(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)
