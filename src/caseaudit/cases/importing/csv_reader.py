"""caseaudit's own CSV layout (see caseaudit.core.register)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from caseaudit.core.register import COLUMNS, DATE_COLUMNS, FORMULA_PREFIXES, REQUIRED_COLUMNS
from caseaudit.readers.columns import iso_date, normalise_csv_header
from caseaudit.readers.csv_text import read_text_csv
from caseaudit.readers.table import ImportRefused, RawTable

_QUOTED_FORMULA = "^'([" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "])"
_NEEDS_CLEANING = rf"^\s|\s$|{_QUOTED_FORMULA}"


def read_register_csv(path: Path, file_name: str | None = None) -> RawTable:
    """Every register column as text (surrounding spaces and a formula's quote removed), except date columns
    whose every cell is an ISO date: those are read as dates (4 bytes a cell, where text takes 16) and
    validation has nothing to explain in them."""
    file_name = file_name or path.name
    layout = _Layout(file_name)
    frame = read_text_csv(path, file_name, layout.warnings, prepare=layout.prepare)
    # Polars reads a file in chunks; one piece is quicker to validate and compare.
    return RawTable(frame=frame.rechunk(), kind="csv", warnings=layout.warnings, absent=layout.absent)


class _Layout:
    """The file's columns matched to the register's, and how each is read."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.warnings: list[str] = []
        self.absent: frozenset[str] = frozenset()

    def prepare(self, text: pl.LazyFrame) -> pl.LazyFrame:
        text = text.rename(self._names(text.collect_schema().names()))
        present = [c for c in COLUMNS if c in text.collect_schema().names()]
        self.absent = frozenset(c for c in COLUMNS if c not in present)
        dates = [c for c in DATE_COLUMNS if c in present]
        # A streamed pass to decide: most exports need no cleaning (transforming a million-row column that
        # needs none only costs memory), and most date columns hold nothing but ISO dates.
        decided = self._decide(
            text,
            *(pl.col(c).str.contains(_NEEDS_CLEANING).any().alias(c) for c in present),
            *(_all_iso(pl.col(c)).alias(f"{c} iso") for c in dates),
        )
        # A date column that needs cleaning is judged as it will be read: cleaned (a slower, rarer pass).
        decided |= self._decide(text, *(_all_iso(_cleaned(c)).alias(f"{c} iso") for c in dates if decided[c]))

        def column(name: str) -> pl.Expr:
            if name not in present:
                return pl.lit(None, dtype=pl.Date if name in DATE_COLUMNS else pl.Utf8)
            cleaning = decided[name]
            read = _cleaned(name) if cleaning else pl.col(name)
            return iso_date(read) if name in dates and decided[f"{name} iso"] else read

        return text.select(
            *(column(c).alias(c) for c in COLUMNS),
            pl.lit(self.file_name).alias("_source"),
            pl.col("_row").cast(pl.Int64),
        )

    @staticmethod
    def _decide(text: pl.LazyFrame, *questions: pl.Expr) -> dict[str, bool]:
        return text.select(questions).collect(engine="streaming").row(0, named=True) if questions else {}

    def _names(self, header: list[str]) -> dict[str, str]:
        """The register's name for each of the file's columns; refuses a file without the required ones."""
        renamed = {name: normalise_csv_header(name) for name in header if name != "_row"}
        seen: dict[str, str] = {}
        for original, name in renamed.items():
            if name in seen:
                raise ImportRefused(
                    f"{self.file_name}: columns {seen[name]!r} and {original!r} are the same column."
                )
            seen[name] = original
        missing = [c for c in REQUIRED_COLUMNS if c not in seen]
        if missing:
            raise ImportRefused(
                f"{self.file_name} has no {' or '.join(repr(c) for c in missing)} column. The first row must "
                f"name the columns; caseaudit's layout is: {', '.join(COLUMNS)}."
            )
        unknown = [original for name, original in seen.items() if name not in COLUMNS]
        if unknown:
            listed = ", ".join(repr(c) for c in unknown)
            self.warnings.append(f"{self.file_name}: columns not used: {listed}.")
        return renamed


def _cleaned(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None).str.replace(_QUOTED_FORMULA, "$1")


def _all_iso(text: pl.Expr) -> pl.Expr:
    """Every cell an ISO date or empty: only what was empty is empty after parsing."""
    return iso_date(text).null_count() == text.null_count()
