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

from ..models import CareEpisode, Case, StatutoryReview

# A column of a return's rows, read here and dropped: True where the return holds the episode that began
# the child's period of care, False where their episodes begin later, null where it holds none of theirs
# (a care leaver the return knows only from OC3).
PERIOD_KNOWN = "_period_known"
# What a return learns from a child's episodes: kept as the register holds them for a child it has none of.
FROM_EPISODES = ("opened_on", "looked_after_since", "placement_start", "legal_status", "placement_type")
_HELD_DATES = ("opened_on", "looked_after_since", "placement_start")
FIRST_REVIEW = "first_looked_after_review"


def settle_with_register(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (register rows as text, one per child) settled with the open cases the register holds: the
    cohort, opening and closing dates of each case that another source put in a cohort the row must not
    override; the start of care where the return's is a guess; what episodes say, for a child the return
    holds no episode of. A join, not a loop, as a region's return names tens of thousands of children."""
    columns = [c for c in rows.columns if c != PERIOD_KNOWN]
    open_cases = read_frame_where_in(
        Case.objects.filter(closed_on__isnull=True),
        "child_id",
        rows["child_id"].to_list(),
        {"child_id": pl.Utf8, "cohort": pl.Utf8}
        | {c: pl.Date if c in _HELD_DATES else pl.Utf8 for c in FROM_EPISODES},
    )
    if open_cases.is_empty():
        return rows.select(columns)
    held = open_cases.with_columns(pl.col(c).dt.strftime("%Y-%m-%d") for c in _HELD_DATES).rename(
        {c: f"_held_{c}" for c in ("cohort", *FROM_EPISODES)}
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
    period = pl.col(PERIOD_KNOWN) if PERIOD_KNOWN in rows.columns else pl.lit(True)
    held_since = pl.col("_held_looked_after_since")
    # ISO dates compare as text.
    guessed = (
        ~period & (held_cohort == "looked-after") & (held_since < pl.col("looked_after_since"))
    ).fill_null(False)
    no_episode = period.is_null() & held_cohort.is_not_null()

    def held_or(column: str, when: pl.Expr) -> pl.Expr:
        return pl.when(when).then(pl.col(f"_held_{column}")).otherwise(pl.col(column)).alias(column)

    return joined.with_columns(
        pl.when(outranked).then(held_cohort).otherwise(incoming).alias("cohort"),
        held_or("opened_on", outranked | guessed | no_episode),
        held_or("looked_after_since", guessed | no_episode),
        *(held_or(c, no_episode) for c in ("placement_start", "legal_status", "placement_type")),
        pl.when(outranked).then(None).otherwise(pl.col("closed_on")).alias("closed_on"),
    ).select(columns)


def with_first_reviews(rows: pl.DataFrame, episodes: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """`rows` (settled) with `first_looked_after_review`: the first review of each child's current period
    of care, from the reviews of the return and of the history already kept, where an episode that began
    the period ("S", on the day the child became looked after) is in either; otherwise empty. The timescale
    check reads it to know whether the latest review was the first (docs/domain.md#timescales). Worked
    out here, before the cases are written, so that the import writes it with the rest of each row."""
    ids = rows["child_id"].to_list()
    starts = pl.concat([
        episodes.filter(pl.col("reason") == "S").select("child_id", "starts_on"),
        read_frame_where_in(
            CareEpisode.objects.filter(reason="S"), "case__child_id", ids,
            {"case__child_id": pl.Utf8, "starts_on": pl.Date},
        ).rename({"case__child_id": "child_id"}),
    ])  # fmt: skip
    held = pl.concat([
        reviews.select("child_id", "held_on"),
        read_frame_where_in(
            StatutoryReview.objects.all(), "case__child_id", ids,
            {"case__child_id": pl.Utf8, "held_on": pl.Date},
        ).rename({"case__child_id": "child_id"}),
    ])  # fmt: skip
    since = rows.select("child_id", pl.col("looked_after_since").str.to_date("%Y-%m-%d").alias("_since"))
    covered = since.join(
        starts, left_on=["child_id", "_since"], right_on=["child_id", "starts_on"], how="semi"
    )
    firsts = (
        covered.join(held, on="child_id")
        .filter(pl.col("held_on") >= pl.col("_since"))
        .group_by("child_id")
        .agg(pl.col("held_on").min().dt.strftime("%Y-%m-%d").alias(FIRST_REVIEW))
    )
    return rows.join(firsts, on="child_id", how="left", maintain_order="left")
