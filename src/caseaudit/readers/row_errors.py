"""Row errors from a vectorised validation: one per failing cell, named by file or sheet, row and column."""

from __future__ import annotations

import polars as pl

from .table import RowError

_ROW_KEYS = ["_source", "_row"]


def row_errors(
    bad_rows: pl.DataFrame, reasons: pl.DataFrame, columns: list[str], labels: dict[str, dict[str, str]]
) -> list[RowError]:
    """One RowError per failing cell, in file order. Only bad rows come through here, so a loop is fine."""
    errors: list[RowError] = []
    reason_rows = reasons.rows()
    for index, row in enumerate(bad_rows.select([*_ROW_KEYS, *dict.fromkeys(columns)]).iter_rows(named=True)):
        for column, reason in zip(columns, reason_rows[index], strict=True):
            if reason is not None:
                value = row[column]
                errors.append(
                    RowError(
                        row["_source"],
                        row["_row"],
                        labels.get(row["_source"], {}).get(column, column),
                        "" if value is None else value,
                        reason,
                    )
                )
    return errors
