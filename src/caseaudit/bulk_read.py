"""Reading many rows into a polars frame on Django's own connection: COPY on PostgreSQL, batches on SQLite.

Django makes a Python object of every cell, and on SQLite parses every date from its text in Python too: a
second or more for a million rows before any work is done. On PostgreSQL, `COPY (query) TO STDOUT` has the
server write the rows as CSV, which polars parses in bulk. SQLite keeps dates as ISO text, so they are read
as that text, a batch at a time, and parsed by polars: a million rows held as Python tuples would need
over a gigabyte, their columns a tenth of that."""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import islice
from typing import Any

import polars as pl
from django.db import connections
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

BATCH = 20_000
# Values one IN names at once: SQLite allows 32,766 parameters to a statement.
IN_CHUNK = 10_000
_READ_AS = (pl.Int64, pl.Utf8, pl.Date)


def read_frame(rows: QuerySet, columns: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """The `columns` of `rows` (field names, with their polars types: whole numbers, text or dates) as a
    frame, in the queryset's order. A null is a null; empty text stays empty text."""
    assert all(kind in _READ_AS for kind in columns.values()), columns
    if connections[rows.db].vendor == "postgresql":
        return _copied(rows.values_list(*columns), columns)
    return _batched(rows, columns)


def read_frame_where_in(
    rows: QuerySet, field: str, values: list[Any], columns: dict[str, type[pl.DataType]]
) -> pl.DataFrame:
    """`read_frame` of the `rows` whose `field` is one of `values`, IN_CHUNK values a query: the tens of
    thousands of children a statutory return names would pass SQLite's limit on parameters."""
    frames = [
        read_frame(rows.filter(**{f"{field}__in": values[start : start + IN_CHUNK]}), columns)
        for start in range(0, len(values), IN_CHUNK)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=columns)


def _copied(rows: QuerySet, columns: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    sql, params = rows.query.sql_with_params()
    out = io.BytesIO()
    # In CSV, PostgreSQL writes a null as nothing and empty text as "", as polars reads them.
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with connections[rows.db].cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            out.write(block)
    if not out.tell():
        return pl.DataFrame(schema=columns)
    out.seek(0)
    return pl.read_csv(out, has_header=False, new_columns=list(columns), schema=columns)


def _batched(rows: QuerySet, columns: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    dates = [name for name, kind in columns.items() if kind == pl.Date]
    # Read as text: a date column read as itself is parsed by sqlite3, in Python, cell by cell.
    as_text = {f"_{name}": Cast(name, output_field=CharField()) for name in dates}
    read = rows.annotate(**as_text).values_list(*(f"_{n}" if n in dates else n for n in columns))
    text = {name: pl.Utf8 if kind == pl.Date else kind for name, kind in columns.items()}

    def frame(batch: list[tuple]) -> pl.DataFrame:
        # A date kept with a time (a datetime written into a date column) is read for its day.
        return pl.DataFrame(batch, schema=text, orient="row").with_columns(
            pl.col(n).str.slice(0, 10).str.to_date("%Y-%m-%d") for n in dates
        )

    frames = [frame(batch) for batch in _in_batches(read.iterator(chunk_size=BATCH))]
    return pl.concat(frames) if frames else frame([])


def _in_batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    while batch := list(islice(rows, BATCH)):
        yield batch
