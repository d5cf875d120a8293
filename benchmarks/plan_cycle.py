"""Planning a cycle over a large register, against the floor of reading the same candidates.

Floor: one SQL query, run through a plain connection (sqlite3 or psycopg), that reads every case open on
the start date with its latest audit date (the query the planner itself uses). Ours: `propose_cycle`,
which runs that query through Django and then the planner: eligibility, cohort shares, priority order,
reasons."""

from __future__ import annotations

import sys
from datetime import date

from benchmarks.harness import connect, django_for, placeholders, report_from_child

STARTS_ON = date(2026, 10, 1)


def build(url: str, cases: int) -> None:
    """A register of `cases` open cases, half of them audited in a cycle 18 months ago and a tenth
    audited 6 months ago (those are not eligible)."""
    django_for(url, migrate=True)
    from caseaudit.demo.authority import build_demo_authority

    build_demo_authority(cases=cases, seed=7, today=date(2026, 9, 1))
    # Through the ORM, not raw SQL, so that the history stays valid as the Audit model grows.
    from caseaudit.audits.models import Audit
    from caseaudit.cases.models import Case
    from caseaudit.cycles.models import Cycle

    spring = Cycle.objects.create(
        name="Spring 2025",
        season="spring",
        year=2025,
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 5, 31),
        seed=1,
        status="closed",
    )
    rows = Case.objects.values_list("pk", "cohort").order_by("pk").iterator(chunk_size=50_000)
    audits = []
    for case_id, cohort in rows:
        if case_id % 2 == 0:
            audits.append(Audit(case_id=case_id, cohort=cohort, cycle=spring, status="moderated"))
        elif case_id % 10 == 1:
            audits.append(
                Audit(case_id=case_id, cohort=cohort, status="moderated", completed_on=date(2026, 4, 15))
            )
    Audit.objects.bulk_create(audits, batch_size=20_000)


def floor(url: str) -> None:
    django_for(url)  # only to read the SQL the planner runs; the timing below is the plain connection's
    from caseaudit.core.sampling import eligibility_cutoff
    from caseaudit.cycles import candidates

    sql = candidates.candidate_sql()

    db = connect(url)  # connecting is not timed, for caseaudit either (harness.django_for)

    def work() -> None:
        day, cutoff = STARTS_ON.isoformat(), eligibility_cutoff(STARTS_ON).isoformat()
        params = ["draft", -1, "case-file", day, day, day, cutoff]
        rows = db.execute(placeholders(sql, url), params).fetchall()
        assert rows

    report_from_child(work)


def ours(url: str) -> None:
    django_for(url)
    from caseaudit.cycles.planning import propose_cycle

    def work() -> None:
        proposal = propose_cycle(season="autumn", year=STARTS_ON.year, focus="care-leaver", seed=1)
        assert proposal.picks

    report_from_child(work)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "build":
        build(url, int(rest[0]))
    elif mode == "floor":
        floor(url)
    else:
        ours(url)
