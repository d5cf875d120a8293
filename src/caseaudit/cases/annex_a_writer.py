"""Synthetic Annex A workbooks, for tests, the demo and benchmarks. Never fill one with real children.

    write_annex_a_workbook(
        path,
        {
            9: [{"child_id": "C0001", "worker": "Pat Adviser", "latest_pathway_plan": date(2024, 5, 1)}],
            8: [{"Child Unique ID": "C0002", "Date Started to be Looked After": date(2023, 1, 9)}],
            "Notes": [{"Note": "extracted 1 June 2024"}],
        },
    )

Each key of `lists` is a list number (the sheet is named "List 9") or a sheet name ("L9 Care Leavers",
"Notes"). Each row is a dict; its keys are register column names (translated to that list's official
Annex A header), official Annex A headers, or any other text, written as the header as it is (to test
unknown or messy headers). Column order is the order keys first appear.

Values: `date`/`datetime` become real Excel date cells (or `dd/mm/yyyy` text, see `text_dates`); `str` is
always written as text, so "=SUM(A1)" stays text; numbers and booleans as such; None leaves the cell
blank. xlsxwriter's constant-memory mode streams rows to disk, so 100,000 rows take seconds and little
memory."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import xlsxwriter

from caseaudit.core.annex_a import LISTS, ListSpec, identify_list
from caseaudit.core.dates import EXCEL_EPOCH

Row = Mapping[str, object]
_EXCEL_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()

# CamelCase headers as the Standard Safeguarding Dataset's Annex A SQL extract names them, where that is
# more than the official text with its spaces removed.
CAMEL_HEADERS = {
    "Child Unique ID": "ChildUniqueID",
    "Age of Child (Years)": "Age",
    "Does the Child have a Disability": "HasDisability",
    "Date Child Was Last Seen": "DateChildLastSeen",
    "Date of the Last Statutory Visit": "DateOfLastStatutoryVisit",
    "Date of latest review conference": "DateOfLatestReviewConf",
    "Date Started to be Looked After": "LookedAfterStartDate",
    "Date of Latest Statutory Review": "LatestStatutoryReviewDate",
    "Date of Last Social Work Visit": "LastSocialWorkVisitDate",
    "Date of Last Health Assessment": "LastHealthAssessmentDate",
    "Date of Last Dental Check": "LastDentalCheckDate",
    "Date Ceased to be Looked After": "CeasedLookedAfterDate",
    "Allocated Personal Adviser": "AllocatedPersonalAdvisor",
}


def camel_header(text: str) -> str:
    """The CamelCase spelling of an Annex A header: "Date of Birth" -> "DateOfBirth"."""
    if text in CAMEL_HEADERS:
        return CAMEL_HEADERS[text]
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", text))


def official_header(spec: ListSpec | None, key: str) -> str:
    """The official Annex A header for a register column name on this list, else `key` unchanged."""
    if spec is not None:
        for column in spec.columns:
            if key in column.feeds:
                return column.name
    return key


def write_annex_a_workbook(
    path: Path | str,
    lists: Mapping[int | str, Sequence[Row]],
    *,
    headers: Literal["human", "camel"] = "human",
    text_dates: bool | Collection[str] = False,
    title: str | None = None,
) -> Path:
    """Write `lists` as an Annex A workbook at `path` and return the path.

    `headers="camel"` writes official headers in CamelCase (`DateOfBirth`, `LatestStatutoryReviewDate`);
    headers given as free text are written unchanged either way. `text_dates=True` writes every date as
    `dd/mm/yyyy` text, as some extracts do; a collection of row keys does so for those columns only.
    `title` puts a title row above each list's header, as some local templates do."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    try:
        for key, rows in lists.items():
            name = LISTS[key].label if isinstance(key, int) else key
            spec = LISTS[key] if isinstance(key, int) else identify_list(key)
            sheet = workbook.add_worksheet(name)
            keys = list(dict.fromkeys(k for row in rows for k in row))
            texts = [official_header(spec, k) for k in keys]
            if headers == "camel" and spec is not None:
                texts = [camel_header(t) if _is_official(spec, t) else t for t in texts]
            as_text = _text_date_keys(keys, texts, text_dates)
            first = 0
            if title is not None:
                sheet.write_string(0, 0, title)
                first = 2  # a blank row between title and header, as templates have
            for col, text in enumerate(texts):
                sheet.write_string(first, col, text)
            for r, row in enumerate(rows, start=first + 1):
                for col, k in enumerate(keys):
                    value = row.get(k)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, col, value)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, col, value)
                    elif isinstance(value, date):  # a datetime is a date too
                        if col in as_text:
                            sheet.write_string(r, col, value.strftime("%d/%m/%Y"))
                        else:
                            # An Excel date is its serial day number shown with a date format; computing it
                            # here is much quicker than xlsxwriter's write_datetime.
                            sheet.write_number(r, col, _excel_serial(value), date_format)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, col, value)
                    else:
                        sheet.write_string(r, col, str(value))
    finally:
        workbook.close()
    return path


def _excel_serial(value: date) -> float:
    serial = float(value.toordinal() - _EXCEL_EPOCH_ORDINAL)
    if isinstance(value, datetime):
        serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return serial


def _is_official(spec: ListSpec, text: str) -> bool:
    return any(column.name == text for column in spec.columns) or text in spec.ignored


def _text_date_keys(keys: list[str], texts: list[str], text_dates: bool | Collection[str]) -> set[int]:
    if text_dates is True:
        return set(range(len(keys)))
    if not text_dates:
        return set()
    chosen = set(text_dates)
    return {i for i, (k, t) in enumerate(zip(keys, texts, strict=True)) if k in chosen or t in chosen}
