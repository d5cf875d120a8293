"""Changes of state in the case register. Views, API and CLI call these and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User

from .importing.annex_a import read_annex_a
from .importing.csv_reader import read_register_csv
from .importing.files import FileLimits, detect_kind
from .importing.merge import merge_lists
from .importing.plan import Plan, load_register, plan_changes
from .importing.result import ImportResult
from .importing.table import ImportRefused, RawTable
from .importing.validate import validate
from .importing.write import apply_plan
from .models import ImportBatch

ProgressFactory = Callable[[str, int], Callable[[int], None]]


def import_case_register(
    path: Path,
    *,
    acting_user: User | None,
    file_name: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    partial: bool = False,
    today: date | None = None,
    limits: FileLimits | None = None,
    progress: ProgressFactory | None = None,
) -> ImportResult:
    """Import the open caseload from caseaudit's CSV or an Annex A workbook.

    All or nothing by default: one invalid row and nothing is written, every bad row listed. With
    `skip_invalid` the valid rows are written and the rest listed. A full import closes (never deletes)
    open cases the file does not list; `partial` only adds and updates. Raises ImportRefused when the file
    as a whole cannot be read. `acting_user` None means the command line, which is trusted."""
    if acting_user is not None and not acting_user.is_qa_lead:
        raise PermissionDenied("Only the QA lead imports the case register.")
    today = today or timezone.localdate()
    name = file_name or path.name
    kind = detect_kind(path, limits, name)
    raw: RawTable = read_annex_a(path, name) if kind == "annex-a" else read_register_csv(path, name)
    if raw.frame.is_empty():
        # A full import of no rows would close every open case: never what anyone means.
        raise ImportRefused(f"{name} has no rows of cases: nothing to import.")
    checked = validate(raw)
    incoming = merge_lists(checked.frame) if raw.merge_lists else checked.frame

    result = ImportResult(file_name=name, kind=raw.kind, dry_run=dry_run, partial=partial)
    result.errors = checked.errors
    result.warnings = raw.warnings
    for cohort in checked.rejected["cohort"]:
        result.counts(cohort).rejected += 1

    with transaction.atomic():
        plan = plan_changes(
            incoming,
            load_register(),
            absent=raw.absent,
            partial=partial,
            keep_open=checked.rejected["child_id"],
        )
        _count(plan, result)
        if dry_run or (result.errors and not skip_invalid):
            return result
        batch = ImportBatch.objects.create(
            user=acting_user, file_name=name[:255], kind=raw.kind, partial=partial, **vars(result.totals)
        )
        total = plan.create.height + plan.update.height + plan.close.height
        apply_plan(
            plan,
            batch_id=batch.pk,
            today=today,
            progress=progress("Writing cases", total) if progress else None,
        )
        record_access(acting_user, "import", "case-register", batch.pk, _summary(result))
    result.written = True
    result.batch_id = batch.pk
    return result


def _count(plan: Plan, result: ImportResult) -> None:
    for field, frame in (
        ("created", plan.create),
        ("updated", plan.update),
        ("closed", plan.close),
        ("unchanged", plan.unchanged),
    ):
        for cohort, number in frame.group_by("cohort").len().iter_rows():
            setattr(result.counts(cohort), field, getattr(result.counts(cohort), field) + number)


def _summary(result: ImportResult) -> str:
    totals = result.totals
    return (
        f"{result.kind}: {totals.created} created, {totals.updated} updated, {totals.closed} closed, "
        f"{totals.unchanged} unchanged, {totals.rejected} rejected"
    )
