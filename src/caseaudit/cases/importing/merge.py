"""One case per child from the rows of several Annex A lists."""

from __future__ import annotations

import polars as pl

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.register import CODED_COLUMNS, KEY_DATE_COLUMNS, TEXT_COLUMNS

_PRECEDENCE = {slug: rank for rank, slug in enumerate(COHORT_SLUGS)}


def merge_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """A child on several lists has one case, in the highest-need cohort whose list shows it open; when
    every list shows it closed, the highest-need cohort of all, closed (docs/domain.md#cohort-precedence).

    The chosen row gives cohort and closing date; opening date, team and worker come from it where it
    has them, else from the child's other rows (List 9 has no start date: a care leaver's case opened
    when the child's looked-after episode did); each key date is the latest any list holds, since every one
    of them is a "latest" or "last" event or a start that only one list carries (the latest placement start
    is the current placement's). Birth month, sex, ethnicity, disability and the yes-or-no answers come from
    the chosen row too, or from the others where it leaves them blank."""
    if frame.is_empty() or not frame["child_id"].is_duplicated().any():
        return frame
    ranked = frame.with_columns(
        pl.col("closed_on").is_not_null().alias("_closed"),
        pl.col("cohort").replace_strict(_PRECEDENCE, return_dtype=pl.Int8).alias("_need"),
    ).sort(["child_id", "_closed", "_need", "_row"])
    from_chosen = ["cohort", "closed_on", "_source", "_row"]
    merged = ranked.group_by("child_id", maintain_order=True).agg(
        *(pl.col(c).first() for c in from_chosen),
        *(
            pl.col(c).drop_nulls().first()
            for c in (*TEXT_COLUMNS, "opened_on", "birth_month", *CODED_COLUMNS)
        ),
        *(pl.col(c).max() for c in KEY_DATE_COLUMNS),
    )
    return merged.select(frame.columns).sort("_source", "_row")
