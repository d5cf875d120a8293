"""One register from several sources (docs/domain.md#one-register): a statutory return's rows settled
against the cases other sources made, before they are planned.

A return sees one part of a child's life: the SSDA903 return their care, the Children in Need census
their help as a child in need or under a plan. A child in both is one case, in the cohort of highest need
that is open (the same order as Annex A's lists, `core.cohorts`). So a return's row never moves an open
case to a cohort of lower need (the census does not make a looked after child a child in need), and never
closes an open case of another cohort (care ending does not close the case of a child still on a child
protection plan): for those rows the case keeps its cohort, opening and closing dates, and takes the
return's other columns."""

from __future__ import annotations

import polars as pl

from caseaudit.core.cohorts import precedence

from ..models import Case

IN_CHUNK = 10_000
# What the case keeps when another source's case outranks the return's row.
KEPT = ("cohort", "opened_on", "closed_on")


def settle_with_register(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (register rows as text, one per child) with KEPT taken from each open case that another
    source put in a cohort the row must not override."""
    named = rows["child_id"].to_list()
    existing = {}
    for start in range(0, len(named), IN_CHUNK):  # SQLite allows so many parameters to a statement
        open_cases = Case.objects.filter(child_id__in=named[start : start + IN_CHUNK], closed_on__isnull=True)
        for child_id, cohort, opened_on, closed_on in open_cases.values_list(
            "child_id", "cohort", "opened_on", "closed_on"
        ):
            existing[child_id] = (cohort, opened_on, closed_on)
    if not existing:
        return rows
    settled = []
    for row in rows.iter_rows(named=True):
        held = existing.get(row["child_id"])
        if held is not None and _outranked(held[0], row["cohort"], closes=row["closed_on"] is not None):
            cohort, opened_on, _ = held
            row |= {"cohort": cohort, "opened_on": opened_on and opened_on.isoformat(), "closed_on": None}
        settled.append(row)
    return pl.DataFrame(settled, schema=rows.schema)


def _outranked(open_cohort: str, incoming: str, *, closes: bool) -> bool:
    if incoming == open_cohort:
        return False
    return closes or precedence(open_cohort) < precedence(incoming)
