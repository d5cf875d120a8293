"""caseaudit's own CSV layout (see caseaudit.core.register)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from caseaudit.core.register import COLUMNS, FORMULA_PREFIXES, REQUIRED_COLUMNS
from caseaudit.readers.columns import normalise_csv_header
from caseaudit.readers.csv_text import read_text_csv
from caseaudit.readers.table import ImportRefused, RawTable

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
