"""The cases a cycle may sample, read from the database in one query."""

from __future__ import annotations

from datetime import date

from django.db import connection

from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case, open_on
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.core.sampling import Candidate, eligibility_cutoff
from caseaudit.gc_pause import gc_paused

from .models import Cycle, CycleStatus


@gc_paused()  # a candidate for each open case
def eligible_candidates(
    starts_on: date, *, exclude_cycle: Cycle | None = None
) -> tuple[list[Candidate], int]:
    """Cases open on `starts_on` with no audit completed or planned in the 12 months before it, each with
    its latest audit on or before that day; and the number of cases open that day. Only case file audits
    count: a practice observation or a thematic audit of the case does not stand in for one.

    An audit counts from the day it was completed, or, until then, from its cycle's start: so past and
    future windows can be planned alike. Draft samples block nothing."""
    skip_cycle = exclude_cycle.pk if exclude_cycle else -1
    params: list[str | int | date] = [
        CycleStatus.DRAFT,
        skip_cycle,
        CASE_FILE,
        starts_on,
        starts_on,
        starts_on,
        eligibility_cutoff(starts_on),
    ]
    with connection.cursor() as cursor:
        cursor.execute(candidate_sql(), params)
        rows = cursor.fetchall()
    # SQLite returns MAX() of a date column as ISO text; PostgreSQL returns a date.
    if connection.vendor == "sqlite":
        parse = date.fromisoformat
        candidates = [Candidate(case_id, cohort, last and parse(last)) for case_id, cohort, last in rows]
    else:
        candidates = [Candidate(*row) for row in rows]
    return candidates, Case.objects.filter(open_on(starts_on)).count()


def candidate_sql() -> str:
    """Parameters: the draft status, a cycle to leave out (or -1), the case file audit's type (audits of other
    kinds do not make a case ineligible), the start date three times, then the
    eligibility cutoff (`core.sampling.eligibility_cutoff`), so that only eligible cases come back."""
    case, audit, cycle = Case._meta.db_table, Audit._meta.db_table, Cycle._meta.db_table
    return f"""
        SELECT c.id, c.cohort, MAX(d.on_date) AS last_audited
        FROM {case} c
        LEFT JOIN (
            SELECT a.case_id, COALESCE(a.completed_on, y.starts_on) AS on_date
            FROM {audit} a LEFT JOIN {cycle} y ON y.id = a.cycle_id
            WHERE (y.id IS NULL OR (y.status <> %s AND y.id <> %s AND y.audit_type = %s))
        ) d ON d.case_id = c.id AND d.on_date <= %s
        WHERE (c.opened_on IS NULL OR c.opened_on <= %s) AND (c.closed_on IS NULL OR c.closed_on > %s)
        GROUP BY c.id, c.cohort
        HAVING MAX(d.on_date) IS NULL OR MAX(d.on_date) <= %s
        ORDER BY c.id
    """  # noqa: S608 (table names from models; values are parameters)
