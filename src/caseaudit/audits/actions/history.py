"""Importing historical audits: past results from a spreadsheet written as completed audits. Reading,
checking and planning the file is `history_import`; this writes the plan, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.bulk_insert import insert_rows
from caseaudit.cases.models import Case
from caseaudit.policy import Actor
from caseaudit.readers.command_output import Progress, ProgressBars
from caseaudit.readers.files import FileLimits

from ..history_import.check import read_and_plan
from ..history_import.planning import BATCH, Plan, case_ids
from ..history_import.result import AuditHistoryResult, RowsRefused
from ..models import Audit, GradeScale
from ..templates_store import default_grade_scale


@changes_state
def import_audit_history(
    path: Path,
    *,
    acting_user: Actor,
    file_name: str | None = None,
    skip_invalid: bool = False,
    today: date | None = None,
    limits: FileLimits | None = None,
    progress: ProgressBars | None = None,
) -> AuditHistoryResult:
    """Load past audit results (CSV, or the first sheet of an .xlsx workbook) as completed audits. To see
    what it would change first, without writing anything, use `history_import.check.check_audit_history`.

    Each row is one audit: submitted, or moderated where it has a moderated grade. A child not in the
    register gets a closed historical case. An audit of the same child completed on the same date is
    updated, or left alone when nothing differs, so importing a file again changes nothing. All or nothing
    by default: one invalid row and nothing is written (RowsRefused, listing every bad row); with
    `skip_invalid` the valid rows are written and the rest listed. Raises ImportRefused when the file as a
    whole cannot be read."""
    policy.require(acting_user, policy.IMPORT_AUDIT_HISTORY)
    # Planned inside this transaction, so that the plan is written against the audits it was made from.
    result, plan = read_and_plan(path, file_name=file_name, dry_run=False, today=today, limits=limits)
    if result.errors and not skip_invalid:
        raise RowsRefused(result)
    # The default tool's scale, loaded now if it is not yet, so that historical and new audits agree on
    # what the grades are.
    total = plan.new_cases.height + plan.create.height + plan.update.height
    _write(plan, default_grade_scale(), progress("Writing audits", total) if progress else None)
    totals = result.totals
    record_change(
        acting_user,
        "audits.imported",
        ("audit-history", None),
        new={
            "file": result.file_name,
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
            "rejected": totals.rejected,
            "cases_created": result.cases_created,
        },
    )
    result.written = True
    return result


def _write(plan: Plan, scale: GradeScale, progress: Progress | None) -> None:
    # New rows through bulk_insert (COPY on PostgreSQL): a large history is mostly new audits.
    insert_rows(Case, plan.new_cases.select("child_id", "cohort", "closed_on"), progress=progress)
    new_case_id = dict(
        zip(plan.new_cases["child_id"].to_list(), case_ids(plan.new_cases).to_list(), strict=True)
    )
    insert_rows(
        Audit,
        plan.create.select(
            pl.col("case_id")
            .fill_null(pl.col("child_id").replace_strict(new_case_id, default=None, return_dtype=pl.Int64))
            .alias("case_id"),
            pl.col("cohort"),
            pl.col("cycle_id").cast(pl.Int64),
            pl.col("auditor_id").cast(pl.Int64),
            pl.col("auditor_organisation").fill_null(""),
            pl.col("status"),
            pl.col("audit_date").alias("completed_on"),
            pl.lit(scale.pk, dtype=pl.Int64).alias("grade_scale_id"),
            pl.col("auditor_grade").fill_null(""),
            pl.col("moderated_grade").fill_null(""),
        ),
        progress=progress,
    )
    now = timezone.now()  # bulk_update does not touch auto_now fields itself
    Audit.objects.bulk_update(
        [
            Audit(
                pk=row["audit_id"],
                cycle_id=row["cycle_id"] or row["old_cycle_id"],
                auditor_id=row["auditor_id"] or row["old_auditor_id"],
                auditor_organisation=row["auditor_organisation"] or row["old_auditor_organisation"] or "",
                status=row["status"],
                grade_scale=scale,
                auditor_grade=row["auditor_grade"] or "",
                moderated_grade=row["moderated_grade"] or "",
                updated_at=now,
            )
            for row in plan.update.iter_rows(named=True)
        ],
        [
            "cycle",
            "auditor",
            "auditor_organisation",
            "status",
            "grade_scale",
            "auditor_grade",
            "moderated_grade",
            "updated_at",
        ],
        batch_size=BATCH,
    )
    if progress:
        progress(plan.update.height)
