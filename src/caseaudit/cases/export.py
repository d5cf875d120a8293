"""Export the case register in caseaudit's CSV layout (what `import-cases` reads back unchanged), or as an
XLSX workbook for people to read.

Rows are streamed from the database as tuples (`values_list(...).iterator()`), never as model instances,
so a register of a million cases exports in bounded memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

import xlsxwriter
from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.core.dates import format_month
from caseaudit.core.register import COLUMNS, DATE_COLUMNS, MONTH_COLUMNS, neutralise_formula
from caseaudit.policy import Actor
from caseaudit.readers.command_output import Progress, ProgressBars
from caseaudit.spreadsheets import ExportRefused, write_private_file

from .models import Case

T = TypeVar("T")

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 5000
# Excel's last row is 1,048,576; one is the header.
XLSX_MAX_CASES = 1_048_575

# The ORM lookup for each register column: names for team, worker and manager, the fields for the rest.
_LOOKUPS = {"team": "team__name", "worker": "worker__name", "manager": "manager__name"}
_FIELDS = tuple(_LOOKUPS.get(column, column) for column in COLUMNS)
_DATE_INDEXES = frozenset(COLUMNS.index(column) for column in DATE_COLUMNS)
_MONTH_INDEXES = frozenset(COLUMNS.index(column) for column in MONTH_COLUMNS)


def register_queryset(*, open_only: bool = False) -> QuerySet[Case]:
    """The cases to export, in Child Unique ID order: the whole register, which only the people who may
    export it read (`export_case_register` asks)."""
    cases = Case.objects.all()
    if open_only:
        cases = cases.filter(closed_on__isnull=True)
    return cases.order_by("child_id")


def iter_register_rows(
    cases: QuerySet[Case] | None = None,
    *,
    open_only: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> Iterator[list[str]]:
    """Each case as a list of text in `COLUMNS` order: ISO dates, `YYYY-MM` birth months, slugs, names,
    "" for empty. Formula-looking text is left as it is; the CSV writer neutralises it. `progress` is
    told of each chunk of rows read."""
    dates = sorted(_DATE_INDEXES)
    months = sorted(_MONTH_INDEXES)
    # Registers repeat the same few thousand dates: format each once.
    day_text: dict[date, str] = {}
    month_text: dict[date, str] = {}
    cases = register_queryset(open_only=open_only) if cases is None else cases
    rows = cases.values_list(*_FIELDS)
    read = rows.iterator(chunk_size=chunk_size)
    for values in _telling(read, progress, chunk_size) if progress else read:
        row: list[Any] = ["" if value is None else value for value in values]
        for index in dates:
            value = row[index]
            if value:
                text = day_text.get(value)
                if text is None:
                    text = day_text[value] = value.isoformat()
                row[index] = text
        for index in months:
            value = row[index]
            if value:
                text = month_text.get(value)
                if text is None:
                    text = month_text[value] = format_month(value)
                row[index] = text
        yield row


def _telling(rows: Iterator[T], progress: Progress, every: int) -> Iterator[T]:
    """`rows`, telling `progress` of each `every` rows passed on (a wrapper, so that an export nobody
    watches pays nothing for it)."""
    for count, row in enumerate(rows, start=1):
        if count % every == 0:
            progress(every)
        yield row


def write_register_csv(stream: TextIO, *, open_only: bool = False, progress: Progress | None = None) -> int:
    """Write the header and one row per case to `stream` (opened with `newline=""` if it is a file), in
    caseaudit's CSV layout. Text that a spreadsheet would run as a formula is prefixed with a quote
    (`neutralise_formula`); the importer takes the quote off again. Returns the number of cases."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    count = 0
    text_indexes = [i for i in range(len(COLUMNS)) if i not in _DATE_INDEXES | _MONTH_INDEXES]
    for row in iter_register_rows(open_only=open_only, progress=progress):
        for index in text_indexes:
            if row[index]:
                row[index] = neutralise_formula(row[index])
        writer.writerow(row)
        count += 1
        if count % 2000 == 0:
            stream.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    stream.write(buffer.getvalue())
    return count


def write_register_xlsx(
    path: str | Path, *, open_only: bool = False, progress: Progress | None = None
) -> int:
    """Write the register as an XLSX workbook for people to read: one sheet, the CSV's columns, every value
    a text cell (dates as ISO text, nothing turned into a formula, number or link). `import-cases` does not
    read it back: it reads caseaudit's CSV and Annex A workbooks. Returns the number of cases."""
    cases = register_queryset(open_only=open_only)
    total = cases.count()
    if total > XLSX_MAX_CASES:
        raise ExportRefused(
            f"{total:,} cases do not fit on one Excel sheet ({XLSX_MAX_CASES:,} rows): use CSV."
        )
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            # constant_memory writes each row to disk as it goes, so memory stays flat for big registers.
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet = workbook.add_worksheet("Case register")
        bold = workbook.add_format({"bold": True})
        for column, name in enumerate(COLUMNS):
            sheet.set_column(column, column, max(12, len(name) + 2) if column > 4 else 28)
            sheet.write_string(0, column, name, bold)
        sheet.freeze_panes(1, 1)
        count = 0
        for count, row in enumerate(iter_register_rows(cases, progress=progress), start=1):
            for column, value in enumerate(row):
                if value:
                    sheet.write_string(count, column, value)
        if count:
            sheet.autofilter(0, 0, count, len(COLUMNS) - 1)
    finally:
        workbook.close()
    return count


def export_case_register(
    output: TextIO | str | Path,
    *,
    file_format: str = "csv",
    open_only: bool = False,
    acting_user: Actor,
    progress: ProgressBars | None = None,
) -> int:
    """Export the register, for the people who may (the command line among them), and record it in the
    access log.

    `output` is a text stream (CSV only) or a file path. A file is written next to its final name and moved
    into place when complete, readable by its owner only, so no half-written register is ever left behind."""
    if file_format not in FORMATS:
        raise ExportRefused(f"unknown format {file_format!r}: use csv or xlsx")
    policy.require(acting_user, policy.EXPORT_REGISTER)
    bar = progress("Exporting cases", register_queryset(open_only=open_only).count()) if progress else None
    if isinstance(output, str | Path):
        count = write_private_file(
            Path(output),
            file_format,
            csv_to=lambda stream: write_register_csv(stream, open_only=open_only, progress=bar),
            xlsx_to=lambda name: write_register_xlsx(name, open_only=open_only, progress=bar),
        )
    elif file_format == "csv":
        count = write_register_csv(output, open_only=open_only, progress=bar)
    else:
        raise ExportRefused("XLSX is a binary file: give a file to write it to (--output FILE.xlsx)")
    scope = ", open only" if open_only else ""
    record_access(acting_user, "export", "case-register", detail=f"{count} cases, {file_format}{scope}")
    return count
