"""Timescale compliance over a large register, against the floor of reading the same dates.

Floor: one SQL query, run through a plain connection (sqlite3 or psycopg), that reads every open case's
Child Unique ID, cohort and the dates the rules anchor on. Ours:
`caseaudit.compliance.queries.register_results`, what the compliance page and `caseaudit compliance` run:
the same read through Django, then every rule for every case."""

from __future__ import annotations

import sys
from datetime import date

from benchmarks.harness import connect, django_for, report_from_child

AS_OF = date(2026, 11, 26)


def floor(url: str) -> None:
    django_for(url)  # only to name the columns; the timing below is the plain connection's
    from caseaudit.compliance.queries import DATE_FIELDS

    sql = f"SELECT id, child_id, cohort, {', '.join(DATE_FIELDS)} FROM cases_case WHERE closed_on IS NULL"

    db = connect(url)  # connecting is not timed, for caseaudit either (harness.django_for)

    def work() -> None:
        rows = db.execute(sql).fetchall()
        assert rows

    report_from_child(work)


def ours(url: str) -> None:
    django_for(url)
    from django.core.cache import cache

    from caseaudit.compliance.queries import register_results

    # Each run checks the register as the first page after an import does, not reading what the run before
    # kept (caseaudit.kept): the shared cache is emptied before the clock starts.
    cache.clear()

    def work() -> None:
        results = register_results(AS_OF)
        assert not results.is_empty()

    report_from_child(work)


if __name__ == "__main__":
    mode, url = sys.argv[1:]
    floor(url) if mode == "floor" else ours(url)
