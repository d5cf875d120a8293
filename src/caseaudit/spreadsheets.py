"""Tables out to CSV and XLSX for people to open in a spreadsheet program, safely: no cell ever becomes
a formula, a number or a link that the data did not mean."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

import xlsxwriter

from caseaudit.core.register import neutralise_formula
from caseaudit.private_files import FileRefused, private_file
from caseaudit.xlsx_rows import RowWriter

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
    """One sheet per (title, header, rows). Strings stay strings; numbers and dates keep their types.

    xlsxwriter writes the workbook with each sheet's header (bold, frozen, columns wide enough for it);
    the rows are then written into each sheet by `xlsx_rows`, a row at a time through a temporary file,
    so memory stays flat however many rows there are. The file is the one xlsxwriter would write alone in
    its constant_memory mode, in a fraction of the time."""
    sheets = list(sheets)
    with tempfile.TemporaryDirectory(prefix="caseaudit-xlsx-") as folder:
        # A file, not a stream: xlsxwriter's constant_memory mode (in-line strings) is for files only.
        skeleton = str(Path(folder) / "skeleton.xlsx")
        date_style = _write_skeleton(skeleton, sheets)
        with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                match = _SHEET_PART.fullmatch(info.filename)
                if match is None:
                    out.writestr(info, source.read(info))
                    continue
                _, header, rows = sheets[int(match.group(1)) - 1]
                _write_sheet(out, info, source.read(info).decode(), len(header), rows, date_style)


def _write_skeleton(path: str, sheets: list[tuple[str, Row, Iterable[Row]]]) -> int:
    """The workbook with each sheet's header and no rows; returns the number of its date style."""
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "d mmm yyyy",
        },
    )
    try:
        bold = workbook.add_format({"bold": True})
        for number, (title, header, _rows) in enumerate(sheets):
            sheet = workbook.add_worksheet(title[:31])
            for column, name in enumerate(header):
                sheet.write_string(0, column, str(name), bold)
                sheet.set_column(column, column, max(12, len(str(name)) + 2))
            sheet.freeze_panes(1, 0)
            if number == 0:
                # A date cell, dropped from the sheet below: it makes xlsxwriter give the workbook its date
                # style, whose number the rows' date cells then carry.
                sheet.write_datetime(1, 0, date(2000, 1, 1))
    finally:
        workbook.close()
    return int(workbook.default_date_format.xf_index)


_SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _write_sheet(
    out: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, columns: int, rows: Iterable[Row], date_style: int
) -> None:
    """The sheet xlsxwriter wrote, its header row kept and the rows written after it."""
    empty = "<sheetData/>" in xml
    xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
    header = xml[start:end].split("</row>", 1)[0] + "</row>" if columns else ""
    with tempfile.TemporaryFile() as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        writer = RowWriter(text, date_style=date_style, columns=columns)
        writer.write(rows)
        text.flush()
        before = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{writer.dimension()}"/>', xml[:start])
        if empty and not spool.tell():
            before, tail_xml = (
                before[: -len("<sheetData>")] + "<sheetData/>",
                xml[end + len("</sheetData>") :],
            )
        else:
            tail_xml = xml[end:]
        head, tail = (before + header).encode(), tail_xml.encode()
        # Its size told beforehand: the zip then uses its 64-bit fields only for a part over 4 GB.
        info.file_size = len(head) + spool.tell() + len(tail)
        spool.seek(0)
        with out.open(info, "w") as part:
            part.write(head)
            shutil.copyfileobj(spool, part, 1 << 20)
            part.write(tail)
        text.detach()


class ExportRefused(Exception):
    """An export cannot be written as asked; the message says what to do instead."""


def write_private_file(
    path: Path, file_format: str, *, csv_to: Callable[[TextIO], int], xlsx_to: Callable[[str], int]
) -> int:
    """Write an export of child-level data to `path` as a private file (readable by its owner only, moved
    into place when complete). `csv_to` writes to a text stream, `xlsx_to` to a file name; each returns
    its row count."""
    try:
        with private_file(path) as temporary:
            if file_format != "csv":
                return xlsx_to(str(temporary))
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                return csv_to(stream)
    except FileRefused as refused:
        raise ExportRefused(str(refused)) from None
