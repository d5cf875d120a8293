"""Column parsers as polars expressions: the vectorised twins of caseaudit.core's per-value parsers.

A million-row register cannot afford a Python call per cell, so validation works on whole columns. Each
expression here must agree with its core twin (`parse_date`, `parse_month`, `parse_cohort`); a property
test holds them to it."""

from __future__ import annotations

import re

import polars as pl

from caseaudit.core.characteristics import LETTERED_ANSWER
from caseaudit.core.cohorts import COHORT_ALIASES
from caseaudit.core.dates import EXCEL_EPOCH, EXCEL_SERIAL_RANGE, YEAR_RANGE

_ISO_WITH_TIME = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$"
_DMY = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$"
_SERIAL = r"^([0-9]+)(?:\.0+)?$"
_MONTH = r"^([0-9]{4})-([0-9]{2})$"

NOT_A_DATE = "not a date: use YYYY-MM-DD or dd/mm/yyyy"
NO_SUCH_DAY = "no such day in the calendar"
YEAR_OUT_OF_RANGE = f"the year is out of range ({YEAR_RANGE[0]} to {YEAR_RANGE[1]})"
NOT_A_MONTH = "not a month: use YYYY-MM"


def any_date(text: pl.Expr) -> pl.Expr:
    """Every accepted spelling of a date; null where the text is none of them."""
    iso = text.str.extract(_ISO_WITH_TIME, 1).str.to_date("%Y-%m-%d", strict=False)
    dmy = (
        text.str.extract_groups(_DMY)
        .struct.with_fields(
            pl.format(
                "{}/{}/{}", pl.field("1").str.zfill(2), pl.field("2").str.zfill(2), pl.field("3")
            ).alias("joined")
        )
        .struct.field("joined")
        .str.to_date("%d/%m/%Y", strict=False)
    )
    serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    low, high = EXCEL_SERIAL_RANGE
    from_serial = pl.when(serial.is_between(low, high)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    return _in_range(pl.coalesce(iso, dmy, from_serial.cast(pl.Date)))


def _in_range(parsed: pl.Expr) -> pl.Expr:
    return pl.when(parsed.dt.year().is_between(*YEAR_RANGE)).then(parsed)


def _year_of(text: pl.Expr) -> pl.Expr:
    """The year as written in a date-shaped text (ISO or day-first)."""
    return pl.coalesce(text.str.extract(r"^([0-9]{4})-", 1), text.str.extract(r"[/.-]([0-9]{4})$", 1)).cast(
        pl.Int32
    )


def _looks_like_date(text: pl.Expr) -> pl.Expr:
    """True where the text has the shape of a date, so a null parse means an impossible day."""
    return text.str.contains(_ISO_WITH_TIME) | text.str.contains(_DMY)


def iso_date(text: pl.Expr) -> pl.Expr:
    """The plain ISO form (YYYY-MM-DD) alone, in range; null otherwise. The quick pass before `any_date`."""
    return _in_range(text.str.to_date("%Y-%m-%d", strict=False))


def iso_dates(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Each text column of `columns` in which every cell is an ISO date (or empty), as dates; the others
    as they were, for `date_columns` to parse and explain. Columns already of dates are left alone."""
    text = [c for c in columns if frame.schema[c] == pl.String]
    fast = frame.select(iso_date(pl.col(c)).alias(c) for c in text)
    # Only text that was empty is empty after parsing: every other cell was a date.
    clean = [c for c in text if fast[c].null_count() == frame[c].null_count()]
    return frame.with_columns(fast[c] for c in clean)


def date_columns(frame: pl.DataFrame, columns: list[str]) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """Parse text date columns in place. Returns the frame with pl.Date columns and, per column, the reason
    (or null) for each row whose text was not a date."""
    # The plain ISO form parses in one quick pass; only columns with something left over take the slow,
    # every-format path. In caseaudit's own CSV that is usually none.
    fast = iso_dates(frame, columns)
    slow = [c for c in columns if fast.schema[c] != pl.Date]
    if not slow:
        return fast, {}
    parsed = frame.select([any_date(pl.col(c)).alias(c) for c in slow])
    reasons = frame.select(
        pl.when(pl.col(c).is_not_null() & parsed[c].is_null())
        .then(
            pl.when(_looks_like_date(pl.col(c)) & ~_year_of(pl.col(c)).is_between(*YEAR_RANGE))
            .then(pl.lit(YEAR_OUT_OF_RANGE))
            .when(_looks_like_date(pl.col(c)))
            .then(pl.lit(NO_SUCH_DAY))
            .otherwise(pl.lit(NOT_A_DATE))
        )
        .alias(c)
        for c in slow
    )
    return fast.with_columns(parsed), {c: reasons[c] for c in slow}


def month_column(frame: pl.DataFrame, column: str) -> tuple[pl.DataFrame, pl.Series]:
    """Parse `YYYY-MM` (or any full date, keeping its month) as the first of the month."""
    text = pl.col(column)
    as_month = _in_range(text.str.extract(_MONTH, 0).str.to_date("%Y-%m", strict=False))
    parsed = frame.select(pl.coalesce(as_month, any_date(text).dt.truncate("1mo")).alias(column)).to_series()
    reason = frame.select(
        pl.when(text.is_not_null() & parsed.is_null()).then(pl.lit(NOT_A_MONTH)).alias(column)
    ).to_series()
    return frame.with_columns(parsed), reason


def cohort_column(text: pl.Expr) -> pl.Expr:
    """Cohort slug for a slug, label or abbreviation; null where unknown."""
    return coded_column(text, COHORT_ALIASES)


def coded_column(text: pl.Expr, aliases: dict[str, str], *, lettered: bool = False) -> pl.Expr:
    """The code for each text `aliases` knows, compared in lowercase letters and digits alone; null where
    unknown. `lettered` first drops an answer letter ("b) Female"), as Annex A's drop-down lists write
    them: the twin of caseaudit.core.characteristics' parse_sex, parse_ethnicity and parse_disability."""
    if lettered:
        text = text.str.replace(LETTERED_ANSWER, "")
    key = text.str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return key.replace_strict(aliases, default=None, return_dtype=pl.Utf8)


def leading_code_column(text: pl.Expr, aliases: dict[str, str], leading: str) -> pl.Expr:
    """The code for each cell: a known code at its start, before a description ("C2 - Full care order",
    or Annex A's lettered drop-down answer "f) U6: Foster placement"), or else the whole cell as
    `coded_column` reads it; null where neither is known. The twin of
    caseaudit.core.looked_after.parse_code."""
    codes = sorted(set(aliases.values()))
    text = text.str.replace(LETTERED_ANSWER, "")
    first = text.str.extract(leading, 1).str.to_uppercase()
    return pl.when(first.is_in(codes)).then(first).otherwise(coded_column(text, aliases))


def normalise_csv_header(text: str) -> str:
    """`Child ID`, `child-id` and ` CHILD_ID ` are all the `child_id` column."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
