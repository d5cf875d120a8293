"""Read an Ofsted Annex A workbook (.xlsx) into caseaudit's register layout.

Lists 2, 6, 7, 8 and 9, the lists of open cases, are read (see caseaudit.core.annex_a for which header
feeds which column); each row becomes one row of the frame, with the list's cohort: a child on two lists
is two rows here, merged into one case later (`merge_lists`). Lists 3, 4 and 5 are lists of events
(referrals, assessments, section 47 enquiries): their latest dates for each child are joined to that
child's rows from the lists of open cases, where those leave them blank (`_joined`); a child on none of
those lists is counted in a warning. Every other sheet is named in a warning and skipped.

fastexcel (Rust's calamine) parses the workbook; every cell is read as text, so a column mixing real Excel
dates with typed `dd/mm/yyyy` text never fails to load. What it gives:
- a real date cell: `2019-03-01 00:00:00` (with its time, if it has one), turned here into `2019-03-01`;
- a number, including a date stored as a serial number: its digits (`43525`, `12.5`);
- a text cell: the text, so "=SUM(A1)" typed as text stays that text; a formula cell: its cached value.
The caller has already checked that the file is a sane, reasonably sized zip. Work per row is vectorised
(polars); nothing loops over rows in Python."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from caseaudit.core.annex_a import (
    CHILD_ID_HEADER,
    READ_LISTS_TEXT,
    HeaderMatch,
    ListSpec,
    find_header_row,
    identify_list,
    list_number,
    match_headers,
    missing_key_dates,
    normalise_header,
)
from caseaudit.core.register import COLUMNS, DATE_COLUMNS
from caseaudit.readers.columns import any_date
from caseaudit.readers.table import ImportRefused, RawTable
from caseaudit.readers.workbook import header_texts, without_time

# How far down a sheet to look for the header row, for extracts that put a title above it.
HEADER_SEARCH_ROWS = 10
_OUTPUT_COLUMNS = [*COLUMNS, "_source", "_row"]
# An Annex A row always states whether the case is open: a list without a closure column (2, 9) lists
# open cases. So closed_on is never "absent", or a case closed earlier could not reopen.
_NEVER_ABSENT = frozenset({"child_id", "cohort", "closed_on"})


def read_annex_a(path: Path, file_name: str | None = None) -> RawTable:
    """The rows of every Annex A list caseaudit reads in the workbook at `path`, as a RawTable.

    Raises ImportRefused when no sheet is a list caseaudit reads, when two sheets claim the same list,
    or when a list has no Child Unique ID column."""
    file_name = file_name or path.name
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
    except fastexcel.FastExcelError as error:
        raise ImportRefused(f"{file_name} could not be read as an Excel workbook ({error}).") from None

    warnings: list[str] = []
    chosen: dict[int, tuple[str, ListSpec]] = {}
    for name in names:
        spec = identify_list(name)
        if spec is None:
            warnings.append(_ignored_sheet(name))
        elif spec.number in chosen:
            raise ImportRefused(
                f"Sheets '{chosen[spec.number][0]}' and '{name}' both look like {spec.label}: remove or "
                "rename one of them, so that each list is read once."
            )
        else:
            chosen[spec.number] = (name, spec)
    if not chosen:
        shown = ", ".join(f"'{n}'" for n in names) or "none"
        raise ImportRefused(
            f"{file_name}: no sheet named like 'List 9' ({READ_LISTS_TEXT}) found; sheets in the file: "
            f"{shown}. Name each Annex A sheet after its list, e.g. 'List 9 - Care leavers'."
        )

    frames: list[pl.DataFrame] = []
    events: list[tuple[ListSpec, pl.DataFrame]] = []
    provided: set[str] = set()
    labels: dict[str, dict[str, str]] = {}
    for name, spec in chosen.values():
        frame, match = _read_list(reader, name, spec, warnings)
        if frame is not None and match is not None:
            if spec.supplementary:
                events.append((spec, frame))
            else:
                frames.append(frame)
                labels[name] = match.labels
            provided.update(match.columns)
    frame = pl.concat(frames, how="vertical") if frames else _empty_frame()
    for spec, rows in events:
        frame = _joined(frame, spec, rows, warnings)
    absent = frozenset(c for c in COLUMNS if c not in provided and c not in _NEVER_ABSENT)
    return RawTable(
        frame=frame, kind="annex-a", warnings=warnings, merge_lists=True, absent=absent, labels=labels
    )


def _joined(frame: pl.DataFrame, spec: ListSpec, rows: pl.DataFrame, warnings: list[str]) -> pl.DataFrame:
    """`frame` (rows of the lists of open cases) with the latest of each of `spec`'s dates for each child
    from `rows` (the list of events), where the child's own row leaves the date blank and its cohort is one
    the list fills. A date that is no date is named in a warning and not used; so are the children on no
    list of open cases."""
    columns = [c for c in spec.register_columns if c in DATE_COLUMNS]
    parsed = rows.select("child_id", "_row", *(any_date(pl.col(c)).alias(c) for c in columns))
    for column in columns:
        unreadable = rows.filter(pl.col(column).is_not_null() & parsed[column].is_null())
        if unreadable.height:
            first = unreadable.row(0, named=True)
            warnings.append(
                f"{spec.label}: {unreadable.height:,} {column.replace('_', ' ')} value(s) are not dates and "
                f"were not used (the first, row {first['_row']}: {first[column]!r})."
            )
    latest = (
        parsed.drop_nulls("child_id")
        .group_by("child_id")
        .agg(pl.col(c).max().dt.strftime("%Y-%m-%d").alias(f"_{c}") for c in columns)
    )
    elsewhere = latest.filter(~pl.col("child_id").is_in(frame["child_id"].implode())).height
    if elsewhere:
        warnings.append(
            f"{spec.label} ({spec.title.lower()}): {elsewhere:,} child(ren) on no list of open cases; their "
            "dates were not used."
        )
    joined = frame.join(latest, on="child_id", how="left", maintain_order="left")
    filled = pl.col("cohort").is_in(list(spec.fills)) if spec.fills else pl.lit(True)
    return joined.with_columns(
        pl.when(filled).then(pl.coalesce(c, f"_{c}")).otherwise(pl.col(c)).alias(c) for c in columns
    ).select(frame.columns)


def _ignored_sheet(name: str) -> str:
    number = list_number(name)
    if number is not None:
        return (
            f"Sheet '{name}' is Annex A List {number}, which caseaudit does not read (it reads "
            f"{READ_LISTS_TEXT}): ignored."
        )
    return f"Sheet '{name}' is not an Annex A list caseaudit reads ({READ_LISTS_TEXT}): ignored."


def _read_list(
    reader: fastexcel.ExcelReader, name: str, spec: ListSpec, warnings: list[str]
) -> tuple[pl.DataFrame | None, HeaderMatch | None]:
    label = spec.label if name == spec.label else f"{spec.label} (sheet '{name}')"
    loaded = _load(reader, name, spec)
    if loaded is None:
        warnings.append(f"{label}: the sheet is empty; nothing read.")
        return None, None
    headers, data, frame_columns, first_row = loaded
    match = match_headers(spec, headers)
    if match.missing_required:
        found = ", ".join(f"'{h.strip()}'" for h in headers if h and h.strip()) or "none"
        raise ImportRefused(
            f"Sheet '{name}' ({spec.label}) has no '{CHILD_ID_HEADER}' column in its first "
            f"{HEADER_SEARCH_ROWS} rows; columns found: {_shorten(found)}. Add the column, or rename the "
            "one that holds the Child Unique ID."
        )

    # A list of events is read for its dates alone: its other columns are no news.
    if match.unknown and not spec.supplementary:
        warnings.append(f"{label}: columns not used: {', '.join(repr(h) for h in match.unknown)}.")
    if "Allocated Personal Adviser" in match.missing and "Allocated Worker" not in match.missing:
        warnings.append(f"{label}: no 'Allocated Personal Adviser' column; the allocated worker is used.")
    if lacking := missing_key_dates(spec, match):
        names = ", ".join(f"'{n}'" for n in lacking)
        warnings.append(
            f"{label}: no {names} column{'s' if len(lacking) > 1 else ''}; the timescale checks that need "
            'them will show "data missing" for these cases.'
        )

    def cleaned(index: int) -> pl.Expr:
        text = pl.col(frame_columns[index]).str.strip_chars()
        return pl.when(text.str.len_bytes() > 0).then(text)

    expressions: list[pl.Expr] = []
    for column in COLUMNS:
        if column == "cohort":
            value = pl.lit(spec.cohort, dtype=pl.Utf8)
        elif column in match.columns:
            indices = (match.columns[column], *match.fallbacks.get(column, ()))
            value = pl.coalesce([cleaned(i) for i in indices]) if len(indices) > 1 else cleaned(indices[0])
            if column in DATE_COLUMNS:
                value = without_time(value)
            elif column == "birth_month":
                value = _birth_month(value)
        else:
            value = pl.lit(None, dtype=pl.Utf8)
        expressions.append(value.alias(column))

    used = sorted({*match.columns.values(), *(i for f in match.fallbacks.values() for i in f)})
    # A row with nothing in any column caseaudit reads is blank to it (trailing rows a CMS pads the sheet
    # with, spacer rows), so it is skipped rather than reported.
    filled = pl.any_horizontal(pl.col(frame_columns[i]).str.strip_chars().str.len_bytes() > 0 for i in used)
    frame = (
        data.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("_row"))
        .filter(filled.fill_null(False))
        .select(*expressions, pl.lit(name, dtype=pl.Utf8).alias("_source"), pl.col("_row"))
    )
    return frame, match


def _load(
    reader: fastexcel.ExcelReader, name: str, spec: ListSpec
) -> tuple[list[str | None], pl.DataFrame, dict[int, str], int] | None:
    """The sheet's header texts, its data rows (as text), each header index's column name in that frame,
    and the spreadsheet row number of the first data row; None for an empty sheet.

    Row numbers assume the sheet starts at row 1: calamine, under fastexcel, does not report blank rows
    above the first filled one."""
    try:
        # The usual layout, header in row 1: only the columns caseaudit stores are turned into text, which
        # is most of the cost after parsing.
        sheet = reader.load_sheet(
            name,
            header_row=0,
            use_columns=lambda column: normalise_header(column.name) in spec.lookup,
            dtypes="string",
        )
        headers = header_texts(sheet.available_columns())
        if find_header_row([headers]) == 0:
            frame_columns = {column.index: column.name for column in sheet.selected_columns}
            return headers, sheet.to_polars(), frame_columns, 2
        # A title above the header: read the sheet as plain rows and find the header among the first.
        raw = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except fastexcel.FastExcelError as error:
        raise ImportRefused(f"Sheet '{name}' could not be read ({error}).") from None
    if raw.width == 0 or raw.height == 0:
        return None
    header_index = find_header_row(raw.head(HEADER_SEARCH_ROWS).rows()) or 0
    headers = list(raw.row(header_index))
    return headers, raw.slice(header_index + 1), dict(enumerate(raw.columns)), header_index + 2


def _birth_month(text: pl.Expr) -> pl.Expr:
    """`YYYY-MM` from a date of birth, so no full date of birth goes further than this reader. Text that
    is no date is left as it is, for validation to report."""
    return pl.coalesce(any_date(without_time(text)).dt.strftime("%Y-%m"), text)


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=[(c, pl.Int64 if c == "_row" else pl.Utf8) for c in _OUTPUT_COLUMNS])
