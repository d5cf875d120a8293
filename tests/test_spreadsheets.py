"""CSV for spreadsheets: a download streamed in pieces is the same file as one written at once, and text a
spreadsheet would run as a formula stays text in both."""

from __future__ import annotations

import io

from caseaudit.spreadsheets import csv_chunks, write_csv

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
