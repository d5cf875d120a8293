"""Planning a cycle over a large register, against the floor of reading the same candidates.

Floor: one SQL query, run with the sqlite3 module, that reads every case open on the start date with its
latest audit date (the query the planner itself uses). Ours: `propose_cycle`, which runs that query through
Django and then the planner: eligibility, cohort shares, priority order, reasons."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path

from benchmarks.harness import django_for, report_from_child

STARTS_ON = date(2026, 10, 1)


def build(database: Path, cases: int) -> None:
    """A register of `cases` open cases, half of them audited in a cycle 18 months ago and a tenth
    audited 6 months ago (those are not eligible)."""
    django_for(database)
    from caseaudit.cases.demo_data import build_demo_authority

    build_demo_authority(cases=cases, seed=7, today=date(2026, 9, 1))
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO cycles_cycle (name, season, year, starts_on, ends_on, focus_cohort, seed, status, "
            "created_at) VALUES ('Spring 2025', 'spring', 2025, '2025-04-01', '2025-05-31', '', 1, 'closed', "
            "'2025-03-01')"
        )
        db.execute(
            "INSERT INTO audits_audit (case_id, cohort, cycle_id, status, reason, auditor_grade, "
            "moderated_grade, created_at, updated_at) SELECT id, cohort, 1, 'moderated', 'random', 'good', "
            "'good', '2025-03-01', '2025-03-01' FROM cases_case WHERE id % 2 = 0"
        )
        db.execute(
            "INSERT INTO audits_audit (case_id, cohort, status, reason, auditor_grade, moderated_grade, "
            "completed_on, created_at, updated_at) SELECT id, cohort, 'moderated', '', 'good', 'good', "
            "'2026-04-15', '2026-04-15', '2026-04-15' FROM cases_case WHERE id % 10 = 1"
        )


def floor(database: Path) -> None:
    django_for(database)  # only to read the SQL the planner runs; the timing below is sqlite3 alone
    from caseaudit.core.sampling import eligibility_cutoff
    from caseaudit.cycles import candidates

    sql = candidates.candidate_sql()

    def work() -> None:
        with sqlite3.connect(database) as db:
            day, cutoff = STARTS_ON.isoformat(), eligibility_cutoff(STARTS_ON).isoformat()
            params = ["draft", -1, day, day, day, cutoff]
            rows = db.execute(sql.replace("%s", "?"), params).fetchall()
        assert rows

    report_from_child(work)


def ours(database: Path) -> None:
    django_for(database)
    from caseaudit.cycles.actions import propose_cycle

    def work() -> None:
        proposal = propose_cycle(season="autumn", year=STARTS_ON.year, focus="care-leaver", seed=1)
        assert proposal.picks

    report_from_child(work)


if __name__ == "__main__":
    mode, path, *rest = sys.argv[1:]
    if mode == "build":
        build(Path(path), int(rest[0]))
    elif mode == "floor":
        floor(Path(path))
    else:
        ours(Path(path))
