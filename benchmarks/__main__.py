"""`make bench` (or `python -m benchmarks [--rows N] [--xlsx-rows N]`)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import django

from benchmarks.harness import line, measure_in_child

IMPORT = "benchmarks.register_import"
PLAN = "benchmarks.plan_cycle"
GRADES = "benchmarks.grade_table"
COMPLIANCE = "benchmarks.compliance"
PAPER = "benchmarks.paper"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV register rows")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="Annex A workbook rows")
    parser.add_argument("--plan-cases", type=int, default=1_000_000, help="open cases to plan a cycle over")
    parser.add_argument("--audits", type=int, default=1_000_000, help="audits in the grade table's history")
    parser.add_argument("--paper-audits", type=int, default=500, help="audits in the committee paper's cycle")
    args = parser.parse_args()
    # The generators use the register's models (never its database): Django must be set up to import them.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    django.setup()
    from benchmarks import data

    with tempfile.TemporaryDirectory(prefix="caseaudit-bench-") as tmp:
        work = Path(tmp)
        schema = work / "schema.sqlite3"
        measure_schema = work / "schema-only"
        measure_schema.mkdir()
        import subprocess
        import sys

        from benchmarks.harness import django_for  # noqa: F401 (documents where the schema comes from)

        subprocess.run([sys.executable, "-m", IMPORT, "schema", str(schema)], check=True)  # noqa: S603

        csv_file = work / "register.csv"
        print(f"generating {args.rows:,} register rows ...", flush=True)
        data.write_register_csv(csv_file, args.rows)
        floor = measure_in_child(
            IMPORT, "floor-csv", str(csv_file), str(schema), str(work / "floor-csv.sqlite3")
        )
        ours = measure_in_child(IMPORT, "caseaudit", str(csv_file), str(work / "ours-csv.sqlite3"))
        print(line("import-cases, CSV", args.rows, ours, floor, target=1.5), flush=True)

        xlsx_file = work / "annex-a.xlsx"
        print(f"generating an Annex A workbook of {args.xlsx_rows:,} rows ...", flush=True)
        width = data.write_annex_a(xlsx_file, args.xlsx_rows)
        print(f"  (about {width} filled cells a row)")
        floor = measure_in_child(
            IMPORT, "floor-xlsx", str(xlsx_file), str(schema), str(work / "floor-x.sqlite3")
        )
        ours = measure_in_child(IMPORT, "caseaudit", str(xlsx_file), str(work / "ours-x.sqlite3"))
        print(line("import-cases, Annex A XLSX", args.xlsx_rows, ours, floor, target=2.0), flush=True)

        register = work / "plan.sqlite3"
        print(f"building a register of {args.plan_cases:,} cases with audit history ...", flush=True)
        subprocess.run([sys.executable, "-m", PLAN, "build", str(register), str(args.plan_cases)], check=True)  # noqa: S603
        floor = measure_in_child(PLAN, "floor", str(register))
        ours = measure_in_child(PLAN, "ours", str(register))
        print(line("plan-cycle (dry run)", args.plan_cases, ours, floor, target=3.0), flush=True)
        # The same register: every rule for every open case, against reading their dates.
        floor = measure_in_child(COMPLIANCE, "floor", str(register))
        ours = measure_in_child(COMPLIANCE, "ours", str(register))
        print(line("compliance (every open case)", args.plan_cases, ours, floor, target=3.0), flush=True)

        history = work / "grades.sqlite3"
        print(f"building a history of {args.audits:,} audits ...", flush=True)
        subprocess.run([sys.executable, "-m", GRADES, "build", str(history), str(args.audits)], check=True)  # noqa: S603
        floor = measure_in_child(GRADES, "floor", str(history))
        ours = measure_in_child(GRADES, "ours", str(history))
        print(line("report grades (table by year)", args.audits, ours, floor, target=1.5), flush=True)

        paper = work / "paper.sqlite3"
        print(f"building a cycle of {args.paper_audits:,} audits for the committee paper ...", flush=True)
        subprocess.run([sys.executable, "-m", PAPER, "build", str(paper), str(args.paper_audits)], check=True)  # noqa: S603
        ours = measure_in_child(PAPER, "ours", str(paper))
        print(
            f"committee paper (PDF): {args.paper_audits:,} audits in {ours.seconds:.2f} s, "
            f"peak {ours.peak_mb:,.0f} MB (no floor: the time is the figure)",
            flush=True,
        )
        kept_in = {"CASEAUDIT_PAPERS_DIR": str(work / "papers")}
        first = measure_in_child(PAPER, "first-download", str(paper), env=kept_in)
        kept = measure_in_child(PAPER, "kept-download", str(paper), env=kept_in)
        print(
            f"committee paper download: first (draws and keeps PDF and Word) {first.seconds:.2f} s, "
            f"peak {first.peak_mb:,.0f} MB | kept {kept.seconds:.3f} s, peak {kept.peak_mb:,.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
