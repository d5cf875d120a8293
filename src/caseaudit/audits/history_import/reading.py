"""Reading a file of historical audits: CSV, or the first sheet of an .xlsx workbook, every cell as text,
its columns found by their headers (in the spellings QA teams' spreadsheets use)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from caseaudit.readers.columns import normalise_csv_header
from caseaudit.readers.csv_text import read_text_csv
from caseaudit.readers.table import ImportRefused
from caseaudit.readers.workbook import header_texts, without_time

COLUMNS = (
    "child_id",
    "cohort",
    "audit_date",
    "auditor_grade",
    "moderated_grade",
    "auditor",
    "auditor_organisation",
    "cycle",
)
REQUIRED_COLUMNS = COLUMNS[:3]
# At least one of these: many authorities kept only the moderated grade.
GRADE_COLUMNS = ("auditor_grade", "moderated_grade")
# Headers QA teams' spreadsheets use for these columns, after normalise_csv_header.
HEADER_ALIASES = {
    "child_unique_id": "child_id",
    "childid": "child_id",
    "date_of_audit": "audit_date",
    "audited_on": "audit_date",
    "completed_on": "audit_date",
    "auditor_s_grade": "auditor_grade",
    "moderator_s_grade": "moderated_grade",
    "moderator_grade": "moderated_grade",
    "auditor_name": "auditor",
    "auditor_organization": "auditor_organisation",
    "organisation": "auditor_organisation",
    "audit_provider": "auditor_organisation",
    "provider": "auditor_organisation",
    "audit_cycle": "cycle",
}


@dataclass
class AuditTable:
    """Rows read from one file: every column of COLUMNS as text (null where empty, spaces stripped), plus
    `_source` and `_row` (the spreadsheet row number) as the register's RawTable has them."""

    frame: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


def read_audit_file(path: Path, file_name: str, *, workbook: bool) -> AuditTable:
    """Read a file detect_kind has passed: CSV, or the first sheet of a workbook, every cell as text."""
    warnings: list[str] = []
    if workbook:
        frame, headers = _read_first_sheet(path, file_name, warnings)
    else:
        frame = read_text_csv(path, file_name, warnings)
        headers = {c: c for c in frame.columns if c != "_row"}

    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column, header in headers.items():
        normal = normalise_csv_header(header)
        normal = HEADER_ALIASES.get(normal, normal)
        if normal in seen and normal in COLUMNS:
            raise ImportRefused(f"{file_name}: columns {seen[normal]!r} and {header!r} are the same column.")
        seen[normal] = header.strip()
        renamed[column] = normal
    missing = [f"no {c!r} column" for c in REQUIRED_COLUMNS if c not in seen]
    if not any(c in seen for c in GRADE_COLUMNS):
        missing.append("no grade column ('auditor_grade', 'moderated_grade' or both)")
    if missing:
        optional = [c for c in COLUMNS if c not in (*REQUIRED_COLUMNS, *GRADE_COLUMNS)]
        raise ImportRefused(
            f"{file_name} has {' and '.join(missing)}. The first row must name the columns: "
            f"{', '.join(REQUIRED_COLUMNS)}, a grade ({' or '.join(GRADE_COLUMNS)}, or both), and optionally "
            f"{', '.join(optional)}."
        )
    unknown = [header for normal, header in seen.items() if normal not in COLUMNS and header.strip()]
    if unknown:
        warnings.append(f"{file_name}: columns not used: {', '.join(repr(h) for h in unknown)}.")

    source = {normal: column for column, normal in renamed.items() if normal in COLUMNS}

    def cleaned(column: str) -> pl.Expr:
        text = pl.col(source[column]).str.strip_chars()
        if workbook and column == "audit_date":
            text = without_time(text)  # a real Excel date cell comes with its time of day
        return pl.when(text.str.len_bytes() > 0).then(text).alias(column)

    present = [c for c in COLUMNS if c in source]
    frame = (
        frame.select(
            *(cleaned(c) if c in source else pl.lit(None, dtype=pl.Utf8).alias(c) for c in COLUMNS),
            pl.lit(file_name, dtype=pl.Utf8).alias("_source"),
            pl.col("_row").cast(pl.Int64),
        )
        # Spacer rows and the blank rows a spreadsheet pads itself with are not audits.
        .filter(pl.any_horizontal(pl.col(c).is_not_null() for c in present))
        .rechunk()
    )
    labels = {file_name: {c: seen[c] for c in present}}
    return AuditTable(frame=frame, warnings=warnings, labels=labels)


def _read_first_sheet(path: Path, file_name: str, warnings: list[str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """The first sheet's rows as text with `_row`, and each frame column's header as the sheet has it."""
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
        if not names:
            raise ImportRefused(f"{file_name} has no sheets.")
        sheet = reader.load_sheet(0, header_row=0, dtypes="string")
        texts = header_texts(sheet.available_columns())
        headers = {
            column.name: text
            for column in sheet.selected_columns
            if (text := texts[column.index]) is not None
        }
        frame = sheet.to_polars()
    except fastexcel.FastExcelError as error:
        raise ImportRefused(f"{file_name} could not be read as an Excel workbook ({error}).") from None
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names[1:])
        warnings.append(f"{file_name}: only the first sheet, {names[0]!r}, was read; not read: {others}.")
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row"))
    return frame, headers
