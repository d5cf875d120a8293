"""Planning the writes of an import of historical audits: the valid rows matched to cycles, users, cases
and the audits already stored, and sorted into audits to create, update or leave alone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.readers.row_errors import repeated_rows

from ..models import Audit, AuditStatus, GradeScale
from .cycles import cycle_names
from .reading import AuditTable
from .result import AuditHistoryResult
from .validating import count_rejected, record_errors

# Rows per INSERT/UPDATE, and ids per `IN (...)`, under SQLite's limit on query parameters.
BATCH = 500


@dataclass
class Plan:
    create: pl.DataFrame  # rows to insert; case_id null for a child who gets a historical case
    update: pl.DataFrame  # rows to write over the existing audit `audit_id`
    new_cases: pl.DataFrame  # child_id, cohort, closed_on


_EXISTING_SCHEMA = {
    "audit_id": pl.Int64,
    "case_id": pl.Int64,
    "audit_date": pl.Date,
    "old_cycle_id": pl.Int64,
    "old_auditor_id": pl.Int64,
    "old_auditor_organisation": pl.Utf8,
    "old_status": pl.Utf8,
    "old_auditor_grade": pl.Utf8,
    "old_moderated_grade": pl.Utf8,
    "old_grade_scale_id": pl.Int64,
    "old_template_id": pl.Int64,
}


def plan_writes(
    valid: pl.DataFrame, table: AuditTable, scale: GradeScale, result: AuditHistoryResult
) -> Plan:
    """Match the valid rows to cycles, users, cases and existing audits, and sort them into audits to create,
    update or leave alone. Rows that would break a rule the database holds become row errors."""
    frame = valid.with_columns(
        pl.when(pl.col("moderated_grade").is_null())
        .then(pl.lit(AuditStatus.SUBMITTED.value))
        .otherwise(pl.lit(AuditStatus.MODERATED.value))
        .alias("status"),
        _cycle_ids(valid, result.warnings).alias("cycle_id"),
        _auditor_ids(valid, result.warnings).alias("auditor_id"),
        case_ids(valid).alias("case_id"),
    )
    existing = _existing_audits(frame["case_id"].drop_nulls().unique().to_list())
    on_date = existing.filter(pl.col("audit_date").is_not_null()).sort("audit_id")
    frame = frame.join(
        on_date.unique(["case_id", "audit_date"], keep="first"),
        on=["case_id", "audit_date"],
        how="left",
        maintain_order="left",
    )

    scale_matches = pl.lit(False) if scale.pk is None else pl.col("old_grade_scale_id").eq_missing(scale.pk)
    as_before = (
        (pl.col("old_auditor_grade") == pl.col("auditor_grade").fill_null(""))
        & (pl.col("old_moderated_grade") == pl.col("moderated_grade").fill_null(""))
        & (pl.col("old_status") == pl.col("status"))
        & scale_matches
        # A file that names no auditor or cycle leaves the audit's own as they are.
        & (pl.col("auditor_id").is_null() | pl.col("auditor_id").eq_missing(pl.col("old_auditor_id")))
        & (pl.col("cycle_id").is_null() | pl.col("cycle_id").eq_missing(pl.col("old_cycle_id")))
        & (
            pl.col("auditor_organisation").is_null()
            | (pl.col("auditor_organisation") == pl.col("old_auditor_organisation"))
        )
    )
    frame = frame.with_columns(
        pl.when(pl.col("audit_id").is_null())
        .then(pl.lit("created"))
        .when(as_before.fill_null(False))
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated"))
        .alias("action")
    )
    in_cycle = existing.filter(pl.col("old_cycle_id").is_not_null()).select(
        "case_id", pl.col("old_cycle_id").alias("cycle_id"), pl.col("audit_id").alias("cycle_audit_id")
    )
    frame = frame.join(in_cycle, on=["case_id", "cycle_id"], how="left", maintain_order="left")

    action = pl.col("action")
    twice_in_cycle = repeated_rows(
        frame,
        ["child_id", "cycle_id"],
        column="cycle",
        labels=table.labels,
        reason=lambda _group, _count, rows: f"the child is audited more than once in this cycle ({rows})",
    )
    checks = [
        (
            # An audit done in caseaudit has its own history of grades and moderation to keep.
            "auditor_grade",
            pl.when((action == "updated") & pl.col("old_template_id").is_not_null()).then(
                pl.format(
                    "an audit of this child completed on {} was done in caseaudit (audit {}) with other "
                    "grades; a spreadsheet never overwrites it",
                    pl.col("audit_date").dt.strftime("%d/%m/%Y"),
                    pl.col("audit_id"),
                )
            ),
        ),
        (
            "cycle",
            pl.when(
                (action != "unchanged")
                & pl.col("cycle_audit_id").is_not_null()
                & ~pl.col("cycle_audit_id").eq_missing(pl.col("audit_id"))
            ).then(
                pl.format(
                    "the child already has an audit in this cycle (audit {}): one audit per case per cycle",
                    pl.col("cycle_audit_id"),
                )
            ),
        ),
    ]
    reasons = [(column, frame.select(expr.alias(column)).to_series()) for column, expr in checks]
    text_rows = frame.select("_row").join(table.frame, on="_row", how="left", maintain_order="left")
    bad = record_errors(text_rows, reasons, table.labels, result, twice_in_cycle)
    count_rejected(frame.filter(bad), result)
    frame = frame.filter(~bad)

    counted = frame.group_by(pl.col("audit_date").dt.year().alias("year"), "cohort", "action").len()
    for year, cohort, name, number in counted.iter_rows():
        setattr(result.counts(year, cohort), name, getattr(result.counts(year, cohort), name) + number)

    create = frame.filter(action == "created")
    # A child the register does not know gets a closed case, in the cohort of their latest audit.
    new_cases = (
        create.filter(pl.col("case_id").is_null())
        .sort("audit_date")
        .group_by("child_id", maintain_order=True)
        .agg(pl.col("cohort").last(), pl.col("audit_date").last().alias("closed_on"))
    )
    result.cases_created = new_cases.height
    return Plan(create=create, update=frame.filter(action == "updated"), new_cases=new_cases)


def _name_key(name: pl.Expr) -> pl.Expr:
    return name.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()


def _py_name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def _cycle_ids(frame: pl.DataFrame, warnings: list[str]) -> pl.Series:
    known = {_py_name_key(name): pk for pk, name in cycle_names()}
    ids = frame.select(_name_key(pl.col("cycle")).replace_strict(known, default=None, return_dtype=pl.Int64))
    unknown = frame.filter(pl.col("cycle").is_not_null() & ids.to_series().is_null())["cycle"]
    if not unknown.is_empty():
        names = unknown.unique(maintain_order=True).to_list()
        warnings.append(
            f"{len(names)} cycle name(s) are not cycles in caseaudit, so their {len(unknown)} audit(s) are "
            f"kept without a cycle: {_listed(names)}."
        )
    return ids.to_series()


def _auditor_ids(frame: pl.DataFrame, warnings: list[str]) -> pl.Series:
    """A user whose username or full name is the name given; a name two users share matches no one."""
    users: dict[str, int | None] = {}
    for pk, username, first, last in User.objects.values_list("id", "username", "first_name", "last_name"):
        for name in {_py_name_key(username), _py_name_key(f"{first} {last}")}:
            if name:
                users[name] = pk if users.get(name, pk) == pk else None
    ids = frame.select(
        _name_key(pl.col("auditor")).replace_strict(users, default=None, return_dtype=pl.Int64)
    ).to_series()
    unmatched = frame.filter(pl.col("auditor").is_not_null() & ids.is_null())["auditor"]
    if not unmatched.is_empty():
        names = unmatched.unique(maintain_order=True).to_list()
        warnings.append(
            f"{len(names)} auditor name(s) match no single caseaudit user, so their {len(unmatched)} "
            f"audit(s) are kept without an auditor: {_listed(names)}."
        )
    return ids


def case_ids(frame: pl.DataFrame) -> pl.Series:
    """The id of each row's child's case in caseaudit, null for a child it does not know."""
    known: dict[str, int] = {}
    for chunk in _chunks(frame["child_id"].unique().to_list()):
        known.update(Case.objects.filter(child_id__in=chunk).values_list("child_id", "id"))
    return frame["child_id"].replace_strict(known, default=None, return_dtype=pl.Int64)


def _existing_audits(case_pks: list[int]) -> pl.DataFrame:
    fields = (
        "id",
        "case_id",
        "completed_on",
        "cycle_id",
        "auditor_id",
        "auditor_organisation",
        "status",
        "auditor_grade",
        "moderated_grade",
        "grade_scale_id",
        "template_id",
    )
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(case_pks):
        rows.extend(Audit.objects.filter(case_id__in=chunk).values_list(*fields))
    return pl.DataFrame(rows, schema=_EXISTING_SCHEMA, orient="row")


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
