"""Row errors from a vectorised validation, named by file or sheet, row and column, and kept within bounds.

A hostile or badly broken file can fail on every one of a million rows. Each RowError is a Python object,
and a page or terminal listing a million of them helps no one, so only the first MAX_ROW_ERRORS (in file
order) are ever made; the rest are counted, in bulk, so the person still learns how many there are. A value
repeated on many rows (one child on 40,000 rows) is one error naming the first few rows and a count: a
message per row naming every other row grows with the square of the repeats."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .table import RowError

MAX_ROW_ERRORS = 1000
# How many rows of a repeated value an error names before "and N more".
ROWS_NAMED = 5

_ROW_KEYS = ["_source", "_row"]


@dataclass
class FoundErrors:
    """The first errors of a file, in file order, and how many it has in all."""

    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def row_errors(
    bad_rows: pl.DataFrame,
    reasons: pl.DataFrame,
    columns: list[str],
    labels: dict[str, dict[str, str]],
    *,
    limit: int = MAX_ROW_ERRORS,
) -> FoundErrors:
    """One RowError per failing cell, in file order, for at most `limit` of them; every failing cell counted.
    Every bad row has at least one failing cell, so the first `limit` bad rows are enough to look at."""
    total = int(reasons.select(pl.sum_horizontal(pl.all().is_not_null()).sum()).item() or 0)
    errors: list[RowError] = []
    # A column a reader parsed already (all ISO dates: the register's CSV reader) is quoted as written.
    shown = bad_rows.head(limit).select(
        *_ROW_KEYS, *(pl.col(c).cast(pl.String) for c in dict.fromkeys(columns))
    )
    for row, reason_row in zip(shown.iter_rows(named=True), reasons.head(limit).iter_rows(), strict=True):
        for column, reason in zip(columns, reason_row, strict=True):
            if reason is not None:
                errors.append(_error(row["_source"], row["_row"], column, row[column], reason, labels))
                if len(errors) == limit:
                    return FoundErrors(errors, total)
    return FoundErrors(errors, total)


@dataclass
class Repeats:
    """Rows whose key another row shares: `rows` marks every one of them (all are refused, since which is
    right cannot be known); `errors` has one error per repeated key."""

    rows: pl.Series
    found: FoundErrors


def repeated_rows(
    frame: pl.DataFrame,
    keys: list[str],
    *,
    column: str,
    labels: dict[str, dict[str, str]],
    reason: Callable[[dict[str, Any], int, str], str],
    limit: int = MAX_ROW_ERRORS,
) -> Repeats:
    """One error per value of `keys` (ignoring rows where any key is empty) that is on more than one row,
    placed at its first row and column `column`. `reason(group, count, rows_text)` words it, given the
    group's key values, its number of rows and `rows_text` ("rows 2, 3 and 9" or "rows 2, 3, 4, 5, 6 and
    39,995 more")."""
    present = pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
    # One key is hashed as itself: a struct of one field costs a copy of the column.
    key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
    repeated = present & key.is_duplicated()
    mask = frame.select(repeated.fill_null(False).alias("repeated")).to_series()
    if not mask.any():
        return Repeats(mask, FoundErrors())
    groups = (
        frame.filter(mask)
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("_source").first(),
            pl.len().alias("_count"),
            pl.col("_row").head(ROWS_NAMED).alias("_rows"),
            pl.col(column).first().alias("_value"),
        )
    )
    errors = [
        _error(
            group["_source"],
            group["_rows"][0],
            column,
            group["_value"],
            reason(group, group["_count"], rows_text(group["_rows"], group["_count"])),
            labels,
        )
        for group in groups.head(limit).iter_rows(named=True)
    ]
    return Repeats(mask, FoundErrors(errors, groups.height))


def rows_text(first_rows: list[int], count: int) -> str:
    """`rows 2 and 7`, `rows 2, 3 and 7`, or `rows 2, 3, 4, 5, 6 and 39,995 more`."""
    shown = [f"{row:,}" for row in first_rows]
    if count > len(shown):
        return f"rows {', '.join(shown)} and {count - len(shown):,} more"
    if len(shown) == 1:
        return f"row {shown[0]}"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def merged(parts: Iterable[FoundErrors], sources: list[str], *, limit: int = MAX_ROW_ERRORS) -> FoundErrors:
    """Several sets of errors, each in file order, as one: in file order (sources in the order given, then
    by row), the first `limit` kept and every one counted."""
    parts = list(parts)
    rank = {source: index for index, source in enumerate(sources)}
    ordered = heapq.merge(*(p.errors for p in parts), key=lambda e: (rank.get(e.source, len(rank)), e.row))
    return FoundErrors(
        [error for _, error in zip(range(limit), ordered, strict=False)], sum(p.total for p in parts)
    )


# A value is shown cut to 40 to 60 characters; keeping more of a hostile megabyte-long cell helps no one.
VALUE_KEPT = 200


def _error(
    source: str, row: int, column: str, value: str | None, reason: str, labels: dict[str, dict[str, str]]
) -> RowError:
    kept = "" if value is None else value[:VALUE_KEPT]
    return RowError(source, row, labels.get(source, {}).get(column, column), kept, reason)


def shorten(text: str, limit: int = 40) -> str:
    """A value as an error message quotes it: whole up to `limit` characters, else its start and `...`."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_of(shown: int, total: int) -> str:
    """`Showing the first 1,000 of 52,311 problems`, said the same way on the page and on the command line."""
    return f"Showing the first {shown:,} of {total:,} problems"
