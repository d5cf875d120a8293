"""Tables out to CSV and XLSX for people to open in a spreadsheet program, safely: no cell ever becomes
a formula, a number or a link that the data did not mean."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

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
        writer.writerow(
            [neutralise_formula(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
        )
        count += 1
    return count


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
