"""Timescale compliance over a large register, against the floor of reading the same dates.

Floor: one SQL query, run with the sqlite3 module, that reads every open case's Child Unique ID, cohort and
the dates the rules anchor on. Ours: `caseaudit.compliance.queries.register_results`, what the compliance
page and `caseaudit compliance` run: the same read through Django, then every rule for every case."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path

from benchmarks.harness import django_for, report_from_child

AS_OF = date(2026, 11, 26)


def floor(database: Path) -> None:
    django_for(database)  # only to name the columns; the timing below is sqlite3 alone
    from caseaudit.compliance.queries import DATE_FIELDS

    sql = f"SELECT id, child_id, cohort, {', '.join(DATE_FIELDS)} FROM cases_case WHERE closed_on IS NULL"

    def work() -> None:
        with sqlite3.connect(database) as db:
            rows = db.execute(sql).fetchall()
        assert rows

    report_from_child(work)


def ours(database: Path) -> None:
    django_for(database)
    from caseaudit.compliance.queries import register_results

    def work() -> None:
        results = register_results(AS_OF)
        assert not results.is_empty()

    report_from_child(work)


if __name__ == "__main__":
    mode, path = sys.argv[1:]
    floor(Path(path)) if mode == "floor" else ours(Path(path))
