"""`make bench` (or `python -m benchmarks [--rows N] ... [--only NAME] [--runs 3]`): every benchmark, each
against its floor, on SQLite and, when DATABASE_URL names one, on PostgreSQL; writes benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.harness import (
    Databases,
    Measurement,
    is_postgresql,
    maintenance_url,
    measure_in_child,
    run_in_child,
    summary,
)
from benchmarks.results import Figure, save_figures, saved_figures, with_new, write_results

IMPORT = "benchmarks.register_import"
RETURNS = "benchmarks.returns_import"
PLAN = "benchmarks.plan_cycle"
GRADES = "benchmarks.grade_table"
COMPLIANCE = "benchmarks.compliance"
PAPER = "benchmarks.paper"
EXPORT = "benchmarks.audit_export"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Run:
    """What every benchmark of one database shares: the options, its databases and a folder for files."""

    args: argparse.Namespace
    databases: Databases
    folder: Path
    built: dict[str, str]

    def once(self, label: str, module: str, size: int) -> str:
        """A database built by `module build` with `size` rows, once per run (planning and compliance read
        the same register)."""
        key = f"{label}-{size}"
        if key not in self.built:
            url = self.databases.create(label)
            print(f"  building {label} ({size:,}) on {self.databases.kind} ...", flush=True)
            run_in_child(module, "build", url, str(size))
            self.built[key] = url
        return self.built[key]

    def alternate(
        self, figure: Figure, ours: Callable[[], object], floor: Callable[[], object] | None
    ) -> None:
        """caseaudit, floor, caseaudit, floor, ...: `runs` of each."""
        for _ in range(self.args.runs):
            figure.ours.append(ours())  # type: ignore[arg-type]
            if floor is not None:
                figure.floor.append(floor())  # type: ignore[arg-type]


# The benchmarks ------------------------------------------------------------------------------------------


def _import(
    run: Run,
    figure: Figure,
    source: Path,
    floor_mode: str,
    *,
    module: str = IMPORT,
    compared: tuple[str, dict[str, str]] | None = None,
) -> Figure:
    """An import into a freshly migrated, empty database each time, caseaudit's and the floor's alike; then
    the table both wrote (`compared`: its name and columns; the register's cases by default) compared."""
    if "empty" not in run.built:
        run.built["empty"] = run.databases.migrated_template("empty")

    def ours() -> object:
        return measure_in_child(module, "ours", run.databases.create("ours", template="empty"), str(source))

    def floor() -> object:
        return measure_in_child(
            module, floor_mode, run.databases.create("floor", template="empty"), str(source)
        )

    run.alternate(figure, ours, floor)
    figure.baseline_mb = measure_in_child(
        module, "ours", run.databases.create("idle", template="empty"), str(source), idle=True
    ).peak_mb
    if compared is None:
        from benchmarks.register_import import case_columns

        compared = ("cases_case", case_columns())
    table, columns = compared
    figure.same_rows = summary(run.databases.url("ours"), table, columns) == summary(
        run.databases.url("floor"), table, columns
    )
    return figure


def import_csv(run: Run) -> Figure:
    from benchmarks import data

    source = run.folder / "register.csv"
    if not source.exists():
        print(f"  generating {run.args.rows:,} register rows ...", flush=True)
        data.write_register_csv(source, run.args.rows)
    writes = "COPY" if run.databases.kind == "PostgreSQL" else "executemany"
    figure = Figure(
        "import-csv",
        "import-cases, CSV",
        run.databases.kind,
        run.args.rows,
        "cases",
        1.5,
        "polars reads the CSV, the team and staff names are inserted and given ids, and the cases are "
        f"written with {writes} in one transaction into the same empty, migrated table (same indexes).",
    )
    return _import(run, figure, source, "floor-csv")


def import_annex_a(run: Run) -> Figure:
    from benchmarks import data

    source = run.folder / "annex-a.xlsx"
    if not source.exists():
        print(f"  generating an Annex A workbook of {run.args.xlsx_rows:,} rows ...", flush=True)
        data.write_annex_a(source, run.args.xlsx_rows)
    writes = "COPY" if run.databases.kind == "PostgreSQL" else "executemany"
    figure = Figure(
        "import-annex-a",
        "import-cases, Annex A XLSX",
        run.databases.kind,
        run.args.xlsx_rows,
        "list rows",
        2.0,
        "fastexcel reads each list's sheet, its headers are matched, and the rows are written as the CSV "
        f"floor writes them ({writes}, one transaction, same table and indexes).",
    )
    return _import(run, figure, source, "floor-xlsx")


def import_ssda903(run: Run) -> Figure:
    from benchmarks import returns_import

    source = run.folder / f"ssda903-{run.args.ssda903_episodes}"
    if not source.exists():
        print(f"  generating an SSDA903 return of {run.args.ssda903_episodes:,} episodes ...", flush=True)
        returns_import.write_return(source, run.args.ssda903_episodes)
    writes = "COPY" if run.databases.kind == "PostgreSQL" else "executemany"
    figure = Figure(
        "import-ssda903",
        "import-returns, SSDA903",
        run.databases.kind,
        run.args.ssda903_episodes,
        "episodes",
        2.0,
        "polars reads the Header, Episodes and Reviews tables and parses their dates, one case a child is "
        f"taken from its latest episode, and the cases, episodes and reviews are written with {writes} in "
        "one transaction into the same empty, migrated tables.",
    )
    compared = ("cases_careepisode", returns_import.EPISODE_COLUMNS)
    return _import(run, figure, source, "floor", module=RETURNS, compared=compared)


def _reading(run: Run, figure: Figure, module: str, url: str) -> Figure:
    """A read of a database built once: caseaudit and the floor alternate on the same data."""
    run.alternate(
        figure, lambda: measure_in_child(module, "ours", url), lambda: measure_in_child(module, "floor", url)
    )
    figure.baseline_mb = measure_in_child(module, "ours", url, idle=True).peak_mb
    return figure


def plan_cycle(run: Run) -> Figure:
    url = run.once("register", PLAN, run.args.plan_cases)
    figure = Figure(
        "plan-cycle",
        "plan-cycle (dry run)",
        run.databases.kind,
        run.args.plan_cases,
        "open cases",
        3.0,
        "the one SQL query the planner reads its candidates with (every case open on the start date, with "
        "its latest audit date), through a plain connection.",
    )
    return _reading(run, figure, PLAN, url)


def compliance(run: Run) -> Figure:
    url = run.once("register", PLAN, run.args.plan_cases)
    figure = Figure(
        "compliance",
        "compliance (every open case)",
        run.databases.kind,
        run.args.plan_cases,
        "open cases",
        3.0,
        "one SQL query reading every open case's id, cohort and the dates the rules anchor on, through a "
        "plain connection.",
    )
    return _reading(run, figure, COMPLIANCE, url)


def grade_table(run: Run) -> Figure:
    url = run.once("history", GRADES, run.args.audits)
    figure = Figure(
        "grade-table",
        "report grades (table by year)",
        run.databases.kind,
        run.args.audits,
        "audits",
        1.5,
        "one SQL GROUP BY of the completed audits by what the table counts (day, cycle, cohort, grade, "
        "template, scale) in the order of their index, through a plain connection; the days summed by year.",
    )
    return _reading(run, figure, GRADES, url)


def paper(run: Run) -> Figure:
    url = run.once("paper", PAPER, run.args.paper_audits)
    figure = Figure(
        "paper",
        "committee paper (PDF)",
        run.databases.kind,
        run.args.paper_audits,
        "audits",
        None,
        "none: there is no bare way to lay out a document; the time is the figure.",
    )
    run.alternate(figure, lambda: measure_in_child(PAPER, "ours", url), None)
    figure.baseline_mb = measure_in_child(PAPER, "ours", url, idle=True).peak_mb
    return figure


def export_xlsx(run: Run) -> Figure:
    url = run.once("export", EXPORT, run.args.export_audits)
    xlsx, csv = run.folder / "export.xlsx", run.folder / "export.csv"
    figure = Figure(
        "export-xlsx",
        "export-audits, XLSX",
        run.databases.kind,
        run.args.export_audits,
        "audits",
        3.0,
        "the same export as CSV (`export-audits --format csv`): the same queries, pseudonyms and rows, "
        "written as text.",
    )
    run.alternate(
        figure,
        lambda: measure_in_child(EXPORT, "xlsx", url, str(xlsx)),
        lambda: measure_in_child(EXPORT, "csv", url, str(csv)),
    )
    figure.baseline_mb = measure_in_child(EXPORT, "xlsx", url, str(xlsx), idle=True).peak_mb
    return figure


def load_test(run: Run) -> Figure:
    """The load test (benchmarks/load_test.py) at --load-cases: once, for its own minute is many samples.
    Its figure is the slowest targeted page's p95 and the floor's (`/healthz` among the pages); its
    verdict, every page's own target; the report lists every page."""
    out = run.folder / f"load-{run.databases.kind.lower()}.json"
    command = [sys.executable, "-m", "benchmarks.load_test", "--cases", str(run.args.load_cases)]
    command += ["--users", str(run.args.load_users), "--seconds", str(run.args.load_seconds)]
    command += ["--out", str(out)]
    if run.databases.base:
        command += ["--database-url", run.databases.create("load")]
    else:
        command += ["--database-url", ""]  # SQLite, whatever DATABASE_URL says
    print(f"  the load test at {run.args.load_cases:,} cases on {run.databases.kind} ...", flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (our own interpreter)
    load = json.loads(out.read_text(encoding="utf-8"))
    targeted = [page for page in load["pages"] if page["meets_target"] is not None]
    slowest = max(targeted, key=lambda page: page["p95_ms"])
    figure = Figure(
        "load-test",
        "load test, slowest page's p95",
        run.databases.kind,
        run.args.load_cases,
        "cases",
        None,
        "`/healthz` among the pages, in the same run: what the same server answers for a page that does "
        "nothing, under the same load. Each page's target is its own p95 under 100 ms (below).",
        load=load,
    )
    figure.ours = [Measurement(slowest["p95_ms"] / 1000, 0.0)]
    figure.floor = [Measurement(load["floor"]["p95_ms"] / 1000, 0.0)]
    return figure


# Every benchmark, in the order they run and are reported. Each takes the run and returns its figure.
ENTRIES: dict[str, Callable[[Run], Figure]] = {
    "import-csv": import_csv,
    "import-annex-a": import_annex_a,
    "import-ssda903": import_ssda903,
    "plan-cycle": plan_cycle,
    "compliance": compliance,
    "grade-table": grade_table,
    "paper": paper,
    "export-xlsx": export_xlsx,
    "load-test": load_test,
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV register rows (1,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="Annex A workbook rows (100,000)")
    parser.add_argument(
        "--ssda903-episodes", type=int, default=100_000, help="episodes of the SSDA903 return (100,000)"
    )
    parser.add_argument(
        "--plan-cases", type=int, default=1_000_000, help="cases to plan a cycle over (1,000,000)"
    )
    parser.add_argument("--audits", type=int, default=1_000_000, help="audits in the grade table's history")
    parser.add_argument("--paper-audits", type=int, default=500, help="audits in the committee paper's cycle")
    parser.add_argument("--export-audits", type=int, default=100_000, help="audits in the analyst export")
    parser.add_argument("--load-cases", type=int, default=100_000, help="cases in the load test (100,000)")
    parser.add_argument("--load-users", type=int, default=8, help="people in the load test (8)")
    parser.add_argument(
        "--load-seconds", type=int, default=60, help="the load test's minute, once everyone is in (60)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating with its floor (3)")
    parser.add_argument(
        "--only", action="append", choices=list(ENTRIES), help="run only this benchmark (again for more)"
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        default=None,
        help="where to run (default: SQLite, and PostgreSQL too when DATABASE_URL names one)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="the report (benchmarks/RESULTS.md)")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    # Stopped (kill, or Ctrl+C), it still drops the PostgreSQL databases it made (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = datetime.now()
    load_at_start = os.getloadavg()
    postgresql = (
        os.environ.get("DATABASE_URL", "") if is_postgresql(os.environ.get("DATABASE_URL", "")) else ""
    )
    database = args.database or ("both" if postgresql else "sqlite")
    if database != "sqlite" and not postgresql:
        raise SystemExit("--database postgresql needs DATABASE_URL to name a PostgreSQL database")
    # The generators use the register's models (never their database): Django must be set up to import them.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    os.environ.setdefault("CASEAUDIT_TESTING", "1")
    import django

    django.setup()

    names = args.only or list(ENTRIES)
    kept = args.out.with_suffix(".json")
    # A run of every benchmark starts the report afresh; a run of some replaces only theirs.
    figures: list[Figure] = saved_figures(kept) if args.only else []
    server = _postgresql_version(postgresql) if database != "sqlite" else ""
    command = "python -m benchmarks " + shlex.join(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="caseaudit-bench-") as tmp:
        folder = Path(tmp)
        for kind in ("sqlite", "postgresql"):
            if database not in (kind, "both"):
                continue
            databases = Databases(folder, postgresql if kind == "postgresql" else "")
            run = Run(args, databases, folder, {})
            try:
                for name in names:
                    print(f"{name} on {databases.kind} ...", flush=True)
                    figure = ENTRIES[name](run)
                    print(figure.line(), flush=True)
                    figures = with_new(figures, figure)
                    save_figures(kept, figures)
                    write_results(
                        args.out,
                        figures,
                        command=command,
                        runs=args.runs,
                        started=started,
                        load=(load_at_start, os.getloadavg()),
                        postgresql_version=server,
                    )
            finally:
                if databases.base:
                    databases.drop_all()
    print(f"wrote {args.out} (and its figures, {kept.name})")


def _postgresql_version(url: str) -> str:
    import psycopg

    with psycopg.connect(maintenance_url(url)) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


if __name__ == "__main__":
    main()
