"""Checking the rows read: every bad cell becomes a row error naming the row and column as the file has
them, and every bad row is counted as rejected."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseaudit.core.register import CHILD_ID_MAX_LENGTH, CHILD_ID_PATTERN
from caseaudit.readers.columns import cohort_column, date_columns
from caseaudit.readers.row_errors import FoundErrors, Repeats, merged, repeated_rows, row_errors

from ..models import Audit, GradeScale
from .reading import AuditTable
from .result import AuditHistoryResult

ORGANISATION_MAX_LENGTH = Audit._meta.get_field("auditor_organisation").max_length or 120
# Spellings of Ofsted grades in spreadsheets beyond the scale's own slugs and labels (normalised as _key).
_OFSTED_ALIASES = {"ri": "requires-improvement", "requiresimprovement": "requires-improvement"}


def _grade_aliases(scale: GradeScale) -> dict[str, str]:
    """Every accepted spelling of the scale's grades, normalised as _key, to the grade's slug."""
    aliases = {}
    for grade in scale.grades:
        aliases[_key(grade["slug"])] = grade["slug"]
        aliases[_key(grade["label"])] = grade["slug"]
    if scale.slug == "ofsted-4":
        aliases |= {k: v for k, v in _OFSTED_ALIASES.items() if v in scale.slugs and k not in aliases}
    return aliases


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum())


def _grade_column(text: pl.Expr, aliases: dict[str, str]) -> pl.Expr:
    key = text.str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return key.replace_strict(aliases, default=None, return_dtype=pl.Utf8)


def validate(table: AuditTable, scale: GradeScale, today: date, result: AuditHistoryResult) -> pl.DataFrame:
    """The valid rows, typed (cohort and grades as slugs, audit_date as pl.Date); every bad cell goes to
    `result.errors` and every bad row to the rejected counts."""
    frame = table.frame
    aliases = _grade_aliases(scale)
    labels = [g["label"] for g in scale.grades]
    not_a_grade = f"not a grade on the {scale.name}: use {', '.join(labels[:-1])} or {labels[-1]}"
    cohort = cohort_column(pl.col("cohort"))
    auditor_grade = _grade_column(pl.col("auditor_grade"), aliases)
    moderated_grade = _grade_column(pl.col("moderated_grade"), aliases)
    child_id, graded = pl.col("child_id"), pl.col("auditor_grade").is_not_null()
    rules: list[tuple[str, pl.Expr, str]] = [
        ("child_id", child_id.is_null(), "a Child Unique ID is required"),
        (
            "child_id",
            child_id.is_not_null() & ~child_id.str.contains(CHILD_ID_PATTERN),
            "a Child Unique ID is letters and digits (and _ . / -), never a name or a formula",
        ),
        ("child_id", child_id.str.len_chars() > CHILD_ID_MAX_LENGTH, f"longer than {CHILD_ID_MAX_LENGTH}"),
        ("cohort", pl.col("cohort").is_null(), "a cohort is required"),
        (
            "cohort",
            pl.col("cohort").is_not_null() & cohort.is_null(),
            "not a cohort: use care-leaver, looked-after, child-protection, child-in-need or early-help",
        ),
        ("audit_date", pl.col("audit_date").is_null(), "the date of the audit is required"),
        (
            # A moderated grade alone is a past audit whose records kept no more: its auditor's grade is
            # "not recorded".
            "auditor_grade",
            ~graded & pl.col("moderated_grade").is_null(),
            "a grade is required: the auditor's, the moderated grade, or both",
        ),
        ("auditor_grade", graded & auditor_grade.is_null(), not_a_grade),
        ("moderated_grade", pl.col("moderated_grade").is_not_null() & moderated_grade.is_null(), not_a_grade),
        (
            "auditor_organisation",
            pl.col("auditor_organisation").str.len_chars() > ORGANISATION_MAX_LENGTH,
            f"longer than {ORGANISATION_MAX_LENGTH} characters",
        ),
    ]
    checks = [
        (column, frame.select(pl.when(failing).then(pl.lit(reason)).alias(column)).to_series())
        for column, failing, reason in rules
    ]
    typed, date_reasons = date_columns(
        frame.with_columns(
            cohort.alias("cohort"),
            auditor_grade.alias("auditor_grade"),
            moderated_grade.alias("moderated_grade"),
        ),
        ["audit_date"],
    )
    checks.extend(date_reasons.items())
    audit_date = pl.col("audit_date")
    checks.append(
        (
            "audit_date",
            typed.select(
                pl.when(audit_date > today)
                .then(pl.lit(f"in the future (today is {today:%d/%m/%Y})"))
                .alias("audit_date")
            ).to_series(),
        )
    )
    # Which of two results for one child on one day is right cannot be known: all its rows are refused.
    twice = repeated_rows(
        typed,
        ["child_id", "audit_date"],
        column="child_id",
        labels=table.labels,
        reason=lambda group, count, rows: (
            f"audited {'twice' if count == 2 else f'{count:,} times'} on "
            f"{group['audit_date']:%d/%m/%Y} in the file ({rows})"
        ),
    )
    bad = record_errors(frame, checks, table.labels, result, twice)
    count_rejected(typed.filter(bad), result)
    return typed.filter(~bad)


def record_errors(
    text_rows: pl.DataFrame,
    checks: list[tuple[str, pl.Series]],
    labels: dict[str, dict[str, str]],
    result: AuditHistoryResult,
    repeats: Repeats | None = None,
) -> pl.Series:
    """Add the errors of every failing cell (its value as the file has it) and of every repeated row to
    `result` (the first of them kept, all counted), and return the bad-row mask."""
    checks = [(column, reasons) for column, reasons in checks if reasons.null_count() < len(reasons)]
    bad = pl.repeat(False, text_rows.height, dtype=pl.Boolean, eager=True)
    parts = [FoundErrors(result.errors, result.error_count)]
    if checks:
        reasons = pl.DataFrame(
            {f"{i}": series for i, (_, series) in enumerate(checks)},
            schema={f"{i}": pl.Utf8 for i in range(len(checks))},
        )
        bad = reasons.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
        columns = [column for column, _ in checks]
        parts.append(row_errors(text_rows.filter(bad), reasons.filter(bad), columns, labels))
    if repeats is not None and repeats.found.total:
        bad = bad | repeats.rows
        parts.append(repeats.found)
    found = merged(parts, text_rows["_source"].unique(maintain_order=True).to_list())
    result.errors, result.error_count = found.errors, found.total
    return bad


def count_rejected(rejected: pl.DataFrame, result: AuditHistoryResult) -> None:
    grouped = rejected.group_by(
        pl.col("audit_date").dt.year().alias("year"), pl.col("cohort").fill_null("unknown")
    ).len()
    for year, cohort, number in grouped.iter_rows():
        result.counts(year, cohort).rejected += number
