"""Row-level validation of a register file: every bad cell found and named, in one pass over columns."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from caseaudit.core import characteristics, looked_after
from caseaudit.core.register import (
    ANSWER_COLUMNS,
    CHILD_ID_MAX_LENGTH,
    CHILD_ID_PATTERN,
    DATE_COLUMNS,
    HISTORY_DATE_COLUMNS,
    NAME_MAX_LENGTH,
    TEXT_COLUMNS,
)
from caseaudit.readers.columns import (
    coded_column,
    cohort_column,
    date_columns,
    leading_code_column,
    month_column,
)
from caseaudit.readers.row_errors import FoundErrors, Repeats, merged, repeated_rows, row_errors, shorten
from caseaudit.readers.table import RawTable, RowError


@dataclass
class Validated:
    """The rows that passed, typed (dates as pl.Date, cohort as its slug), and what was wrong with the rest.
    `rejected` has one row per rejected file row: its child_id as written and its cohort slug ("unknown"
    where the cohort itself was unreadable). `errors` holds the first errors (caseaudit.readers.row_errors),
    `error_count` counts them all."""

    frame: pl.DataFrame
    errors: list[RowError]
    rejected: pl.DataFrame
    error_count: int = 0


# The coded columns: each with what it accepts and why a cell is refused.
_CODED = (
    ("sex", characteristics.SEX_ALIASES, characteristics.NOT_A_SEX),
    ("ethnicity", characteristics.ETHNICITY_ALIASES, characteristics.NOT_AN_ETHNICITY),
    ("disability", characteristics.DISABILITY_ALIASES, characteristics.NOT_A_DISABILITY),
    *((column, characteristics.YES_NO_ALIASES, characteristics.NOT_YES_OR_NO) for column in ANSWER_COLUMNS),
    ("uasc", characteristics.YES_NO_ALIASES, characteristics.NOT_YES_OR_NO),
)
# Coded columns whose cells may give the code before its description ("C2 - Full care order").
_LEADING_CODED = (
    ("legal_status", looked_after.LEGAL_STATUS_ALIASES, looked_after.NOT_A_LEGAL_STATUS),
    ("placement_type", looked_after.PLACEMENT_TYPE_ALIASES, looked_after.NOT_A_PLACEMENT_TYPE),
)


def validate(raw: RawTable) -> Validated:
    frame = raw.frame
    checks: list[tuple[str, pl.Series]] = []  # (column, reason per row or null)

    def check(column: str, failing: pl.Expr, reason: str) -> None:
        checks.append((column, frame.select(pl.when(failing).then(pl.lit(reason)).alias(column)).to_series()))

    child_id = pl.col("child_id")
    check("child_id", child_id.is_null(), "a Child Unique ID is required")
    check(
        "child_id",
        child_id.is_not_null() & ~child_id.str.contains(CHILD_ID_PATTERN),
        "a Child Unique ID is letters and digits (and _ . / -), never a name or a formula",
    )
    check(
        "child_id",
        child_id.str.len_chars() > CHILD_ID_MAX_LENGTH,
        f"longer than {CHILD_ID_MAX_LENGTH} characters",
    )
    cohort = cohort_column(pl.col("cohort"))
    check("cohort", pl.col("cohort").is_null(), "a cohort is required")
    check(
        "cohort",
        pl.col("cohort").is_not_null() & cohort.is_null(),
        "not a cohort: use care-leaver, looked-after, child-protection, child-in-need or early-help",
    )
    for column in TEXT_COLUMNS:
        check(column, pl.col(column).str.len_chars() > NAME_MAX_LENGTH, f"longer than {NAME_MAX_LENGTH}")

    coded = []
    for column, aliases, reason in _CODED:
        code = coded_column(pl.col(column), aliases, lettered=True)
        check(column, pl.col(column).is_not_null() & code.is_null(), reason)
        coded.append(code.alias(column))
    for column, aliases, reason in _LEADING_CODED:
        code = leading_code_column(pl.col(column), aliases, looked_after.LEADING_CODE)
        check(column, pl.col(column).is_not_null() & code.is_null(), reason)
        coded.append(code.alias(column))

    # A return brings the dates worked out from its history too (`sources.with_first_reviews`).
    dates = [*DATE_COLUMNS, *(c for c in HISTORY_DATE_COLUMNS if c in frame.columns)]
    typed, date_reasons = date_columns(frame.with_columns(cohort.alias("cohort"), *coded), dates)
    checks.extend(date_reasons.items())
    typed, month_reason = month_column(typed, "birth_month")
    checks.append(("birth_month", month_reason))
    # A case closed before it opened is implausible, not invalid: it is imported as it is and listed on the
    # data quality page (caseaudit.core.data_quality), never dropped.
    # In caseaudit's CSV one child is one row (an Annex A child on two lists is merged later).
    repeats = _repeated_children(frame, raw.labels) if not raw.merge_lists else None

    # A check that every row passes adds nothing but a million nulls' worth of memory: drop it.
    checks = [(column, reasons) for column, reasons in checks if reasons.null_count() < len(reasons)]
    if not checks and repeats is None:
        return Validated(frame=typed, errors=[], rejected=typed.clear().select("child_id", "cohort"))
    has_reason = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    found = FoundErrors()
    if checks:
        reasons = pl.DataFrame(
            {f"{i}": series for i, (_, series) in enumerate(checks)},
            schema={f"{i}": pl.Utf8 for i in range(len(checks))},
        )
        has_reason = reasons.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
        columns = [c for c, _ in checks]
        found = row_errors(frame.filter(has_reason), reasons.filter(has_reason), columns, raw.labels)
    bad_mask = has_reason
    if repeats is not None:
        bad_mask = has_reason | repeats.rows
        found = merged([found, repeats.found], frame["_source"].unique(maintain_order=True).to_list())
    rejected = typed.filter(bad_mask).select(
        pl.col("child_id").fill_null(""), pl.col("cohort").fill_null("unknown")
    )
    return Validated(
        frame=typed.filter(~bad_mask), errors=found.errors, rejected=rejected, error_count=found.total
    )


def _repeated_children(frame: pl.DataFrame, labels: dict[str, dict[str, str]]) -> Repeats | None:
    """Which of two rows for one child is right cannot be known, so every row of a repeated child is
    refused: one error per child, with how many rows and which."""
    repeats = repeated_rows(
        frame,
        ["child_id"],
        column="child_id",
        labels=labels,
        reason=lambda group, count, rows: (
            f"Child Unique ID {shorten(group['child_id'])} appears on {count:,} rows: {rows}. One child is "
            "one row: keep the right one and remove the others"
        ),
    )
    return repeats if repeats.found.total else None
