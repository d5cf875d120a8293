"""Tables out to CSV and XLSX for people to open in a spreadsheet program, safely: no cell ever becomes
a formula, a number or a link that the data did not mean."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

import xlsxwriter

from caseaudit.core.register import neutralise_formula

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

Row = Sequence[Any]


def write_csv(stream: SupportsWrite[str], header: Row, rows: Iterable[Row]) -> int:
    """Write `header` and `rows`; text a spreadsheet would run as a formula gets a leading quote."""
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(_safe_cells(row))
        count += 1
    return count


def csv_chunks(header: Row, rows: Iterable[Row], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """The CSV `write_csv` writes, as pieces of text of a few hundred rows each: for a download streamed
    to the browser while the rows are still being read, whatever their number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(_safe_cells(row))
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _safe_cells(row: Row) -> list[Any]:
    return [neutralise_formula(v) if isinstance(v, str) else ("" if v is None else v) for v in row]


def write_xlsx(target: str | IO[bytes], sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> None:
    """One sheet per (title, header, rows). Strings stay strings; numbers and dates keep their types."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "d mmm yyyy",
            "in_memory": not isinstance(target, str),
        },
    )
    try:
        bold = workbook.add_format({"bold": True})
        for title, header, rows in sheets:
            sheet = workbook.add_worksheet(title[:31])
            for column, name in enumerate(header):
                sheet.write_string(0, column, str(name), bold)
                sheet.set_column(column, column, max(12, len(str(name)) + 2))
            sheet.freeze_panes(1, 0)
            for number, row in enumerate(rows, start=1):
                for column, value in enumerate(row):
                    if isinstance(value, str):
                        sheet.write_string(number, column, value)
                    elif value is not None:
                        sheet.write(number, column, value)
    finally:
        workbook.close()


class ExportRefused(Exception):
    """An export cannot be written as asked; the message says what to do instead."""


def write_private_file(
    path: Path, file_format: str, *, csv_to: Callable[[TextIO], int], xlsx_to: Callable[[str], int]
) -> int:
    """Write an export of child-level data to `path` through a temporary file beside it, created readable by
    its owner only (mkstemp), and moved into place when complete: no half-written file is ever left
    behind. `csv_to` writes to a text stream, `xlsx_to` to a file name; each returns its row count."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise ExportRefused(f"{directory} is not a folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        if file_format == "csv":
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                count = csv_to(stream)
        else:
            os.close(handle)
            count = xlsx_to(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
