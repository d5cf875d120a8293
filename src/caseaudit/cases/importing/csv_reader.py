"""caseaudit's own CSV layout (see caseaudit.core.register)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from caseaudit.core.register import COLUMNS, FORMULA_PREFIXES, REQUIRED_COLUMNS

from .parse import normalise_csv_header
from .table import ImportRefused, RawTable

_QUOTED_FORMULA = "^'([" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "])"


def read_register_csv(path: Path, file_name: str | None = None) -> RawTable:
    file_name = file_name or path.name
    warnings: list[str] = []
    frame = read_text_csv(path, file_name, warnings)

    renamed = {name: normalise_csv_header(name) for name in frame.columns if name != "_row"}
    seen: dict[str, str] = {}
    for original, name in renamed.items():
        if name in seen:
            raise ImportRefused(f"{file_name}: columns {seen[name]!r} and {original!r} are the same column.")
        seen[name] = original
    frame = frame.rename(renamed)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportRefused(
            f"{file_name} has no {' or '.join(repr(c) for c in missing)} column. The first row must name "
            f"the columns; caseaudit's layout is: {', '.join(COLUMNS)}."
        )
    unknown = [seen[c] for c in frame.columns if c not in (*COLUMNS, "_row")]
    if unknown:
        warnings.append(f"{file_name}: columns not used: {', '.join(repr(c) for c in unknown)}.")
    absent = frozenset(c for c in COLUMNS if c not in frame.columns)

    # Most exports need no cleaning; transforming a million-row column that needs none only costs memory.
    needs_cleaning = frame.select(
        pl.col(c).str.contains(rf"^\s|\s$|{_QUOTED_FORMULA}").any() for c in frame.columns if c in COLUMNS
    ).row(0, named=True)
    cleaned = [
        (
            pl.col(c).str.strip_chars().replace("", None).str.replace(_QUOTED_FORMULA, "$1")
            if needs_cleaning[c]
            else pl.col(c)
        ).alias(c)
        if c in frame.columns
        else pl.lit(None, dtype=pl.Utf8).alias(c)
        for c in COLUMNS
    ]
    frame = frame.select(
        *cleaned, pl.lit(file_name).alias("_source"), pl.col("_row").cast(pl.Int64)
    ).rechunk()
    return RawTable(frame=frame, kind="csv", warnings=warnings, absent=absent)


def read_text_csv(path: Path, file_name: str, warnings: list[str]) -> pl.DataFrame:
    """Every cell of a CSV file as text (an empty cell is null), with a `_row` column of spreadsheet row
    numbers. UTF-8, or else Windows-1252 with a warning."""
    try:
        # From the path, not from bytes in memory: polars maps the file and reads it in parallel.
        return _read(path, file_name)
    except _NotUtf8:
        # Excel on Windows saves "CSV" in the Windows code page unless told otherwise.
        warnings.append(f"{file_name} is not UTF-8; it was read as Windows-1252 (Excel's default).")
        return _read(path.read_bytes().decode("cp1252", errors="replace").encode(), file_name)


class _NotUtf8(Exception):
    pass


def _read(source: Path | bytes, file_name: str) -> pl.DataFrame:
    """Every cell as text; an empty cell is null."""
    try:
        # The row index is made while reading, chunk by chunk like the columns: a column added afterwards
        # in one piece would make polars copy the whole frame into one piece to match it.
        return pl.read_csv(
            source, infer_schema=False, raise_if_empty=True, row_index_name="_row", row_index_offset=2
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise _NotUtf8 from None
        raise ImportRefused(f"{file_name} could not be read as CSV: {str(exc).splitlines()[0]}") from None
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportRefused(f"{file_name} could not be read as CSV: {str(exc).splitlines()[0]}") from None
