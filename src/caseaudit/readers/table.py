"""What every reader of a register file hands to validation: the rows as text, in caseaudit's layout."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


class ImportRefused(Exception):
    """The file as a whole cannot be read: wrong type, too large, a required column missing. Nothing is
    written; the message says what to do about it."""


@dataclass(frozen=True)
class RowError:
    source: str  # file or sheet name
    row: int  # the row number a person sees in their spreadsheet (the header is row 1)
    column: str
    value: str
    reason: str
    # What `row` counts: a spreadsheet's rows, or an XML file's lines (the Children in Need census).
    unit: str = "row"

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return f"{self.source} {self.unit} {self.row}, {self.column} {shown!r}: {self.reason}"


@dataclass
class RawTable:
    """Rows read from one file, before validation.

    `frame` holds every column of `caseaudit.core.register.COLUMNS` as text (null where empty, surrounding
    spaces removed), or as pl.Date for a date column the reader found to hold nothing but ISO dates
    (caseaudit's own CSV reader, `cases.importing.csv_reader`), plus `_source` (file or sheet name) and
    `_row` (spreadsheet row number, Int64).
    `merge_lists` is set for Annex A workbooks, where a child may appear on several lists and the rows are
    merged into one case; in caseaudit's CSV a child appearing twice is an error."""

    frame: pl.DataFrame
    kind: str  # ImportBatch.Kind value: "csv" or "annex-a"
    warnings: list[str] = field(default_factory=list)
    merge_lists: bool = False
    # Register columns the file does not have at all. An update leaves them as they were, so an older Annex
    # A version without the pathway plan column never wipes the dates a newer extract brought.
    absent: frozenset[str] = frozenset()
    # Per source (sheet), the header text each register column was read from, so an error names the
    # column as the person's spreadsheet spells it.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
