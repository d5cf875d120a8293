"""One register from several sources (docs/domain.md#one-register): a statutory return's rows settled
against the cases other sources made, before they are planned.

A return sees one part of a child's life: the SSDA903 return their care, the Children in Need census
their help as a child in need or under a plan. A child in both is one case, in the cohort of highest need
that is open (the same order as Annex A's lists, `core.cohorts`). So a return's row never moves an open
case to a cohort of lower need (the census does not make a looked after child a child in need), and never
closes an open case of another cohort (care ending does not close the case of a child still on a child
protection plan): for those rows the case keeps its cohort, opening and closing dates, and takes the
return's other columns.

A period of care that began before the return's year (no episode of the child's starts one) keeps the
start the register holds, where that is earlier: the return's first episode is then only the earliest it
knows of."""

from __future__ import annotations

import polars as pl

from caseaudit.bulk_read import read_frame_where_in
from caseaudit.core.cohorts import COHORT_SLUGS, precedence

from ..models import Case

# A column of a return's rows (True where the return holds the episode that began the period of care),
# read here and dropped.
PERIOD_KNOWN = "_period_known"


def settle_with_register(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (register rows as text, one per child) with the cohort, opening and closing dates of each
    open case that another source put in a cohort the row must not override, and the start of care the
    register holds where the return's is a guess: a join, not a loop, as a region's return names tens of
    thousands of children."""
    columns = [c for c in rows.columns if c != PERIOD_KNOWN]
    open_cases = read_frame_where_in(
        Case.objects.filter(closed_on__isnull=True),
        "child_id",
        rows["child_id"].to_list(),
        {"child_id": pl.Utf8, "cohort": pl.Utf8, "opened_on": pl.Date, "looked_after_since": pl.Date},
    )
    if open_cases.is_empty():
        return rows.select(columns)
    held = open_cases.rename(
        {"cohort": "_held_cohort", "opened_on": "_held_opened_on", "looked_after_since": "_held_since"}
    )
    rank = {slug: precedence(slug) for slug in COHORT_SLUGS}
    joined = rows.join(held, on="child_id", how="left")
    held_cohort, incoming = pl.col("_held_cohort"), pl.col("cohort")
    outranked = (
        held_cohort.is_not_null()
        & (held_cohort != incoming)
        & (
            pl.col("closed_on").is_not_null()
            | (held_cohort.replace_strict(rank) < incoming.replace_strict(rank, default=len(rank)))
        )
    )
    held_since = pl.col("_held_since").dt.strftime("%Y-%m-%d")
    guessed = (
        ~pl.col(PERIOD_KNOWN)
        & (held_cohort == "looked-after")
        & (held_since < pl.col("looked_after_since"))  # ISO dates compare as text
    ).fill_null(False) if PERIOD_KNOWN in rows.columns else pl.lit(False)  # fmt: skip
    return joined.with_columns(
        pl.when(outranked).then(held_cohort).otherwise(incoming).alias("cohort"),
        pl.when(outranked | guessed)
        .then(pl.col("_held_opened_on").dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col("opened_on"))
        .alias("opened_on"),
        pl.when(guessed).then(held_since).otherwise(pl.col("looked_after_since")).alias("looked_after_since"),
        pl.when(outranked).then(None).otherwise(pl.col("closed_on")).alias("closed_on"),
    ).select(columns)
