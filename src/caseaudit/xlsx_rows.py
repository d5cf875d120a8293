"""The rows of a worksheet as the XML an .xlsx file holds, written fast: one string per row.

xlsxwriter spends about 20 µs of Python on every cell (checks, a cell object, then its XML), which made an
analyst export of 100,000 audits five times slower than the CSV of the same rows. `spreadsheets.write_xlsx`
still has xlsxwriter write the workbook (styles, header, column widths, frozen panes); the data rows are
written here, cell for cell the XML xlsxwriter's constant_memory mode writes: in-line strings, numbers, and
dates as serial numbers in the workbook's date style."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

# A string cell holds at most 32,767 UTF-16 units; xlsxwriter cuts longer text there, and so does this.
MAX_STRING = 32_767
# Anything in a string that needs more than copying: XML's three, control characters (written _xHHHH_, as
# Excel does), the two non-characters, and text that already looks like such an escape.
_NEEDS_WORK = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_LOOKS_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")
_DAY_ZERO = date(1899, 12, 31).toordinal()  # Excel's serial 0 in its 1900 date system


class RowWriter:
    """Writes rows 2, 3, ... of a sheet to `out` and keeps what the sheet's <dimension> needs."""

    def __init__(self, out: IO[str], *, date_style: int, columns: int) -> None:
        self.out = out
        self.date_style = date_style
        self.last_row = 1  # the header's
        self.last_column = max(columns, 1)
        self._letters: list[str] = []

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        number = self.last_row
        for row in rows:
            number += 1
            self.out.write(self._row(number, row))
        self.last_row = number

    def dimension(self) -> str:
        last = f"{xl_col_to_name(self.last_column - 1)}{self.last_row}"
        return "A1" if last == "A1" else f"A1:{last}"

    def _row(self, number: int, row: Sequence[Any]) -> str:
        if len(row) > len(self._letters):
            self._letters = [xl_col_to_name(c) for c in range(len(row))]
        letters = self._letters
        cells = []
        r = str(number)
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(_string(letters[column] + r, value))
            elif isinstance(value, bool):
                cells.append(f'<c r="{letters[column]}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float | Decimal | Fraction):
                cells.append(f'<c r="{letters[column]}{r}"><v>{value:.16G}</v></c>')
            elif isinstance(value, date):
                serial = _serial(value)
                cells.append(f'<c r="{letters[column]}{r}" s="{self.date_style}"><v>{serial:.16G}</v></c>')
            else:
                cells.append(_string(letters[column] + r, str(value)))
            if column >= self.last_column:
                self.last_column = column + 1
        return f'<row r="{r}">{"".join(cells)}</row>' if cells else ""


def _string(reference: str, text: str) -> str:
    if len(text) > MAX_STRING // 2 and len(text.encode("utf-16-le")) // 2 > MAX_STRING:
        text = _utf16_cut(text)
    if _NEEDS_WORK.search(text):
        text = _LOOKS_ESCAPED.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def _utf16_cut(text: str) -> str:
    units = text.encode("utf-16-le")[: MAX_STRING * 2]
    return units.decode("utf-16-le", errors="ignore")


def _serial(value: date) -> float:
    """Excel's serial number of a date or a naive datetime (1900 system, with its 29 February 1900)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("Excel does not store a time zone: give the time in local time, without one")
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        serial: float = value.toordinal() - _DAY_ZERO + (seconds + value.microsecond / 1e6) / 86400
    else:
        days = value.toordinal() - _DAY_ZERO
        serial = days
    return serial + 1 if serial > 59 else serial
