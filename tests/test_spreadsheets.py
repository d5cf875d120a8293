"""CSV for spreadsheets: a download streamed in pieces is the same file as one written at once, and text a
spreadsheet would run as a formula stays text in both. XLSX: the workbook xlsxwriter would write cell by cell,
every cell of the type it was given."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter

from caseaudit.spreadsheets import csv_chunks, write_csv, write_xlsx

HEADER = ("who", "detail", "count")
ROWS = [(f"person {n}", "=1+1" if n % 3 == 0 else f"line\nbreak {n}", n) for n in range(7)] + [
    ("@SUM(A1)", None, 0)
]


def test_streamed_pieces_make_the_same_file_as_writing_it_at_once():
    whole = io.StringIO()
    write_csv(whole, HEADER, ROWS)
    pieces = list(csv_chunks(HEADER, ROWS, rows_per_chunk=3))
    assert len(pieces) == 3  # rows 1-3 with the header, 4-6, 7-8
    assert "".join(pieces) == whole.getvalue()
    assert "'=1+1" in whole.getvalue() and "'@SUM(A1)" in whole.getvalue()


def test_no_rows_is_the_header_alone():
    assert list(csv_chunks(HEADER, [])) == ["who,detail,count\r\n"]


# XLSX ------------------------------------------------------------------------------------------------------

XLSX_HEADER = ("text", "number", "date", "when", "flag", "empty")
XLSX_ROWS = [
    ("plain", 1, date(2025, 1, 2), datetime(2025, 1, 2, 3, 4, 5, 123456), True, None),
    (" leading and trailing ", 2.5, date(1900, 2, 28), datetime(1999, 12, 31, 23, 59), False, None),
    ("a & b < c > d \"quoted\" 'single'", -3, date(1900, 3, 1), None, None, None),
    ("control\x01\x1fcharacters", 10**17, None, None, None, None),
    ("_x0041_ looks like an escape", Decimal("1.10"), None, None, None, None),
    ("=SUM(A1)", None, None, None, None, None),
    ("line\nbreak", 0, None, None, None, None),
    ("", None, None, None, None, None),
    ("é" * 40_000, None, None, None, None, None),  # cut at Excel's 32,767 characters
]


def _sheets():
    return [("Rows", XLSX_HEADER, iter(XLSX_ROWS)), ("Caveats", ("Caveat",), iter([("one",), ("two",)]))]


def _xlsxwriter_alone(path: Path) -> None:
    """What write_xlsx wrote before its rows were written by caseaudit.xlsx_rows: xlsxwriter, cell by cell."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "d mmm yyyy",
        },
    )
    bold = workbook.add_format({"bold": True})
    for title, header, rows in _sheets():
        sheet = workbook.add_worksheet(title)
        for column, name in enumerate(header):
            sheet.write_string(0, column, name, bold)
            sheet.set_column(column, column, max(12, len(name) + 2))
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(number, column, value)
                elif value is not None:
                    sheet.write(number, column, value)
    workbook.close()


def test_the_workbook_is_the_one_xlsxwriter_writes_cell_by_cell(tmp_path):
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    write_xlsx(str(ours), _sheets())
    _xlsxwriter_alone(theirs)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # the time it was written
                assert a.read(name) == b.read(name), name


def test_cells_keep_their_types_and_text_stays_text(tmp_path):
    path = tmp_path / "rows.xlsx"
    stream = io.BytesIO()
    write_xlsx(str(path), _sheets())
    write_xlsx(stream, _sheets())
    for source in (path, stream.getvalue()):
        sheet = pl.read_excel(source, sheet_name="Rows", schema_overrides={"number": pl.Float64})
        assert sheet.columns == list(XLSX_HEADER)
        texts = sheet["text"].to_list()
        assert texts[:3] == ["plain", " leading and trailing ", "a & b < c > d \"quoted\" 'single'"]
        assert texts[3:7] == [
            "control\x01\x1fcharacters",
            "_x0041_ looks like an escape",
            "=SUM(A1)",
            "line\nbreak",
        ]
        assert len(texts[8]) == 32_767
        assert sheet["date"].to_list()[:3] == [date(2025, 1, 2), date(1900, 2, 28), date(1900, 3, 1)]
        assert sheet["number"].to_list()[:2] == [1.0, 2.5]
        assert pl.read_excel(source, sheet_name="Caveats")["Caveat"].to_list() == ["one", "two"]


def test_text_that_looks_like_markup_is_written_as_text(tmp_path):
    path = tmp_path / "markup.xlsx"
    write_xlsx(str(path), [("Rows", ("text",), [("<r><t>bold?</t></r>",)])])
    assert pl.read_excel(path)["text"].to_list() == ["<r><t>bold?</t></r>"]
