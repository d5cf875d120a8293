"""A CSV file as text: every cell a string, with the spreadsheet row number of each row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from .table import ImportRefused

# Given the file as text, what to keep of it (see read_text_csv).
Prepare = Callable[[pl.LazyFrame], pl.LazyFrame]


def read_text_csv(
    path: Path, file_name: str, warnings: list[str], prepare: Prepare | None = None
) -> pl.DataFrame:
    """Every cell of a CSV file as text (an empty cell is null), with a `_row` column of spreadsheet row
    numbers. UTF-8, or else Windows-1252 with a warning.

    `prepare` is given the file as a lazy frame of text and returns what to keep: columns cleaned, parsed or
    dropped there are worked on while polars streams through the file, so a million rows are never all held
    as text (16 bytes a cell). It may read the file itself (`collect`) to decide, and may raise
    ImportRefused."""
    try:
        # From the path, not from bytes in memory: polars maps the file and reads it in parallel.
        return _read(path, file_name, prepare)
    except _NotUtf8:
        # Excel on Windows saves "CSV" in the Windows code page unless told otherwise.
        warnings.append(f"{file_name} is not UTF-8; it was read as Windows-1252 (Excel's default).")
        return _read(path.read_bytes().decode("cp1252", errors="replace").encode(), file_name, prepare)


class _NotUtf8(Exception):
    pass


def _read(source: Path | bytes, file_name: str, prepare: Prepare | None) -> pl.DataFrame:
    """Every cell as text (an empty cell is null), or what `prepare` keeps of it."""
    try:
        # The row index is made while reading, chunk by chunk like the columns: a column added afterwards
        # in one piece would make polars copy the whole frame into one piece to match it.
        text = pl.scan_csv(
            source,
            infer_schema=False,
            raise_if_empty=True,
            row_index_name="_row",
            row_index_offset=2,
            # Exports that quote every cell write an empty one as "", which polars would read as empty text.
            null_values=[""],
        )
        return (prepare(text) if prepare else text).collect(engine="streaming")
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise _NotUtf8 from None
        raise ImportRefused(f"{file_name} could not be read as CSV: {str(exc).splitlines()[0]}") from None
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportRefused(f"{file_name} could not be read as CSV: {str(exc).splitlines()[0]}") from None
