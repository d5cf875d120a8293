"""What an import would change: new cases, changed cases, open cases to close, and what stays the same."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import connection

from caseaudit.core.register import (
    ANSWER_COLUMNS,
    CHARACTERISTIC_COLUMNS,
    CODED_COLUMNS,
    DATE_COLUMNS,
    HISTORY_DATE_COLUMNS,
    KEY_DATE_COLUMNS,
    STATUS_COLUMNS,
    TEXT_COLUMNS,
)

from ..models import Case, Staff, Team

# Register columns in the order of the typed frame; team, worker and manager are compared by name.
CASE_COLUMNS = [
    "cohort",
    *TEXT_COLUMNS,
    "opened_on",
    "closed_on",
    "birth_month",
    *CHARACTERISTIC_COLUMNS,
    *KEY_DATE_COLUMNS,
    *ANSWER_COLUMNS,
    *STATUS_COLUMNS,
    # Only a return's rows have these (worked out from its history): compared and written only then.
    *HISTORY_DATE_COLUMNS,
]
_DATES = [*DATE_COLUMNS, "birth_month", *HISTORY_DATE_COLUMNS]


@dataclass
class Plan:
    create: pl.DataFrame  # typed rows of new cases
    # Typed rows of changed cases, with the existing case's `_id` and `_dated`: the register dates the row
    # changes (comma-separated), of which the import becomes the source.
    update: pl.DataFrame
    close: pl.DataFrame  # `_id`, `child_id` and `cohort` of open cases the file no longer lists
    unchanged: pl.DataFrame  # `cohort` of each case the file leaves as it is
    columns: list[str]  # the register columns an update writes


def load_register() -> pl.DataFrame:
    """The whole register as a frame, names in place of foreign keys. One query."""
    case, team, staff = Case._meta.db_table, Team._meta.db_table, Staff._meta.db_table
    # Dates as ISO text on every database (SQLite and PostgreSQL alike), parsed once, in bulk, below.
    date_sql = ", ".join(f"CAST(c.{name} AS TEXT)" for name in _DATES)
    coded_sql = ", ".join(f"c.{name}" for name in CODED_COLUMNS)
    sql = (
        f"SELECT c.id, c.child_id, c.cohort, t.name, w.name, m.name, {coded_sql}, {date_sql} FROM {case} c "  # noqa: S608 (no user text in this SQL)
        f"LEFT JOIN {team} t ON t.id = c.team_id LEFT JOIN {staff} w ON w.id = c.worker_id "
        f"LEFT JOIN {staff} m ON m.id = c.manager_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    names = ["_id", "child_id", "cohort", *TEXT_COLUMNS, *CODED_COLUMNS, *_DATES]
    text_schema = {name: pl.Utf8 for name in names} | {"_id": pl.Int64}
    frame = pl.DataFrame(rows, schema=text_schema, orient="row")
    return frame.with_columns(pl.col(c).str.to_date("%Y-%m-%d") for c in _DATES)


def plan_changes(
    incoming: pl.DataFrame,
    existing: pl.DataFrame,
    *,
    absent: frozenset[str],
    partial: bool,
    keep_open: pl.Series,
) -> Plan:
    """Compare the file's valid rows with the register.

    `absent` columns are not compared or written. `keep_open` lists child ids that must not be closed even
    though no valid row names them (their rows were rejected): a bad row never closes a child's case."""
    columns = [c for c in CASE_COLUMNS if c not in absent and c in incoming.columns]
    if not partial and "closed_on" not in columns:
        # A full import lists the open caseload: a case in it is open, whatever it was before.
        columns.append("closed_on")
    # Only the key goes through the join; the file's own columns are set beside its result, not copied.
    matched = incoming.select("child_id").join(
        existing.select("_id", "child_id", *(pl.col(c).alias(f"{c}_old") for c in columns)),
        on="child_id",
        how="left",
        maintain_order="left",
    )
    joined = pl.concat([incoming, matched.drop("child_id")], how="horizontal")
    is_new = pl.col("_id").is_null()
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_old")) for c in columns])
    dated = [c for c in columns if c in (*DATE_COLUMNS, "birth_month")]
    # Into an empty register every row is new: taken as it is, not copied by a filter.
    create = incoming if existing.is_empty() else joined.filter(is_new).select(incoming.columns)
    update = joined.filter(~is_new & differs).select("_id", *incoming.columns, _changed(dated))
    unchanged = joined.filter(~is_new & ~differs).select("cohort")
    if partial or existing.is_empty():
        close = existing.clear().select("_id", "child_id", "cohort")
    else:
        listed = pl.concat([incoming["child_id"], keep_open]).unique()
        close = existing.filter(
            pl.col("closed_on").is_null() & ~pl.col("child_id").is_in(listed.implode())
        ).select("_id", "child_id", "cohort")
    return Plan(create=create, update=update, close=close, unchanged=unchanged, columns=columns)


def _changed(dates: list[str]) -> pl.Expr:
    """`_dated`: the date columns whose value the row changes, comma-separated ("" for none)."""
    if not dates:
        return pl.lit("").alias("_dated")
    parts = [pl.when(pl.col(c).ne_missing(pl.col(f"{c}_old"))).then(pl.lit(c)) for c in dates]
    return pl.concat_str(parts, separator=",", ignore_nulls=True).fill_null("").alias("_dated")
