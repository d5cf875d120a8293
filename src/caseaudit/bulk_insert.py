"""Writing many new rows at once, on Django's own connection and inside the caller's transaction: COPY on
PostgreSQL, executemany on SQLite.

Both are far cheaper than bulk_create, which builds a model instance per row. On PostgreSQL, COPY ... FROM
STDIN sends the rows as one stream (polars writes it as CSV, in chunks) instead of one INSERT per row, and is
part of the transaction like any statement: an import that fails after it leaves nothing behind.

A column the frame does not carry is filled as bulk_create would fill it: `auto_now`/`auto_now_add` with the
time now, otherwise the field's default (the empty string for text, None where the column may be empty)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Model
from django.utils import timezone

CHUNK = 20_000
# PostgreSQL's COPY in CSV form. Every text value is quoted (quote_style="non_numeric" below), so a value
# that reads \N stays text: only an unquoted \N is a null.
_COPY_OPTIONS = "(FORMAT csv, NULL '\\N')"

Progress = Callable[[int], None]


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def insert_rows(model: type[Model], frame: pl.DataFrame, *, progress: Progress | None = None) -> None:
    """Insert one row of `model`'s table per row of `frame`, whose columns are named after the table's
    columns (`team_id`, not `team`). Dates may be polars dates; values are written as they are, unchecked:
    the caller has validated them."""
    if frame.is_empty():
        return
    full = _with_defaults(model, frame)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in full.columns)
    if uses_copy():
        _copy(f"COPY {table} ({names}) FROM STDIN {_COPY_OPTIONS}", full, progress)
    else:
        placeholders = ", ".join(["%s"] * full.width)
        _executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", full, progress)  # noqa: S608 (names from the model)


def _with_defaults(model: type[Model], frame: pl.DataFrame) -> pl.DataFrame:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    missing = []
    for field in model._meta.concrete_fields:
        column = str(field.column)
        if column in frame.columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        else:
            value = field.get_default()
        missing.append(pl.lit(_plain(value)).alias(column))
    return frame.with_columns(missing) if missing else frame


def sqlite_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """On SQLite, which keeps dates as ISO text, the frame's dates as that text: handing it text spares a
    Python adapter call per cell. Done a chunk at a time: a million rows of dates as text would hold
    hundreds of megabytes at once."""
    if connection.vendor != "sqlite":
        return frame
    return frame.with_columns(
        pl.col(c).dt.to_string("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date
    )


def _plain(value: Any) -> Any:
    """A value polars and COPY both take as it is: enum members as their value, times as ISO text."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | bool | int | float) or value is None:
        return value
    raise TypeError(f"no bulk default for {value!r}")


def _copy(sql: str, frame: pl.DataFrame, progress: Progress | None) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for offset in range(0, frame.height, CHUNK):
            chunk = frame.slice(offset, CHUNK)
            buffer = io.BytesIO()
            chunk.write_csv(buffer, include_header=False, null_value="\\N", quote_style="non_numeric")
            copy.write(buffer.getvalue())
            if progress:
                progress(chunk.height)


def _executemany(sql: str, frame: pl.DataFrame, progress: Progress | None) -> None:
    with connection.cursor() as cursor:
        for offset in range(0, frame.height, CHUNK):
            rows = sqlite_dates(frame.slice(offset, CHUNK)).rows()
            cursor.executemany(sql, rows)
            if progress:
                progress(len(rows))
