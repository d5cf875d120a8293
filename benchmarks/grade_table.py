"""The committee's table of grades over a long audit history, against the floor of one grouped query.

Floor: one SQL `GROUP BY` over the completed audits, through a plain connection, of what caseaudit's table
counts by (the day, cycle, cohort, grade, template and grade scale: the last three give each period's
sampling basis), in the order of the index of completed audits, which lets the database count as it reads
the index rather than sort every audit first; then the days' counts added up by year.
Ours: `caseaudit.reports.grades.grade_table`, through Django: its grouped query, the sampling basis of every
period, the percentages, the intervals and the caveats."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import date, timedelta

from benchmarks.harness import connect, django_for, report_from_child

FLOOR_SQL = """
    SELECT cycle_id, completed_on, cohort, moderated_grade, auditor_grade, template_id, grade_scale_id,
    COUNT(*) FROM audits_audit
    WHERE completed_on IS NOT NULL AND (auditor_grade != '' OR moderated_grade != '')
    GROUP BY cycle_id, completed_on, cohort, moderated_grade, auditor_grade, template_id, grade_scale_id
"""


def build(url: str, audits: int) -> None:
    """`audits` moderated audits over eight years of spring and autumn cycles, of a register a quarter that
    size: each case audited about four times. Grades fall as a typical authority's do."""
    django_for(url, migrate=True)
    from caseaudit.audits.models import Audit
    from caseaudit.audits.templates_store import default_grade_scale
    from caseaudit.cases.models import Case
    from caseaudit.cycles.actions import record_past_cycle
    from caseaudit.demo.authority import build_demo_authority
    from caseaudit.policy import SYSTEM

    build_demo_authority(cases=max(audits // 4, 10), seed=11, today=date(2026, 9, 1))
    scale = default_grade_scale()
    cycles = [
        record_past_cycle(
            name=f"{season.capitalize()} {year}",
            season=season,
            year=year,
            fraction=1.0 if year < 2023 else 0.5,
            size=None,
            acting_user=SYSTEM,
        )
        for year in range(2019, 2027)
        for season in ("spring", "autumn")
    ]
    cases = list(Case.objects.values_list("pk", "cohort").order_by("pk"))
    rng = random.Random(11)
    grades = scale.slugs
    batch: list[Audit] = []
    # One audit per case per cycle: walk the cycles, a slice of the register in each.
    per_cycle = -(-audits // len(cycles))
    for number in range(audits):
        cycle = cycles[number // per_cycle]
        case_id, cohort = cases[number % len(cases)]
        grade = rng.choices(grades, weights=(6, 36, 46, 12))[0]
        batch.append(
            Audit(
                case_id=case_id,
                cohort=cohort,
                cycle=cycle,
                status="moderated",
                completed_on=cycle.starts_on + timedelta(days=rng.randrange(60)),
                grade_scale=scale,
                auditor_grade=grade,
                moderated_grade=grade,
            )
        )
        if len(batch) == 50_000:
            Audit.objects.bulk_create(batch)
            batch = []
    Audit.objects.bulk_create(batch)


def floor(url: str) -> None:
    db = connect(url)  # connecting is not timed, for caseaudit either (harness.django_for)

    def work() -> None:
        by_year: Counter[tuple[object, ...]] = Counter()
        # The day is ISO text from SQLite and a date from PostgreSQL: its first four characters either way.
        for cycle, day, cohort, moderated, _, template, scale, n in db.execute(FLOOR_SQL).fetchall():
            by_year[(str(day)[:4], cycle, cohort, moderated, template, scale)] += n
        assert by_year

    report_from_child(work)


def ours(url: str) -> None:
    django_for(url)
    from django.core.cache import cache

    from caseaudit.reports.grades import grade_table

    # Each run counts, as the first page after an audit is moderated does, rather than reading what the run
    # before kept (caseaudit.kept): the shared cache is emptied before the clock starts.
    cache.clear()

    def work() -> None:
        table = grade_table(by="year")
        assert table.total

    report_from_child(work)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "build":
        build(url, int(rest[0]))
    elif mode == "floor":
        floor(url)
    else:
        ours(url)
