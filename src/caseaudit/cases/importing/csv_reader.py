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
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    warnings: list[str] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page unless told otherwise.
        data = data.decode("cp1252", errors="replace").encode()
        warnings.append(f"{file_name} is not UTF-8; it was read as Windows-1252 (Excel's default).")
    try:
        frame = pl.read_csv(data, infer_schema=False, raise_if_empty=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportRefused(f"{file_name} could not be read as CSV: {str(exc).splitlines()[0]}") from None

    renamed = {name: normalise_csv_header(name) for name in frame.columns}
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
    unknown = [seen[c] for c in frame.columns if c not in COLUMNS]
    if unknown:
        warnings.append(f"{file_name}: columns not used: {', '.join(repr(c) for c in unknown)}.")
    absent = frozenset(c for c in COLUMNS if c not in frame.columns)

    cleaned = [
        pl.col(c).str.strip_chars().replace("", None).str.replace(_QUOTED_FORMULA, "$1").alias(c)
        if c in frame.columns
        else pl.lit(None, dtype=pl.Utf8).alias(c)
        for c in COLUMNS
    ]
    frame = frame.select(
        *cleaned,
        pl.lit(file_name).alias("_source"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row"),
    )
    return RawTable(frame=frame, kind="csv", warnings=warnings, absent=absent)
