"""What importing a file of historical audits would change, worked out without writing anything: the dry
run the QA lead checks before an import, and the first half of the import itself (`actions.history`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils import timezone

from caseaudit import policy
from caseaudit.policy import Actor
from caseaudit.readers.files import FileLimits, detect_kind
from caseaudit.readers.table import ImportRefused

from ..templates_store import shipped_grade_scale
from .planning import Plan, plan_writes
from .reading import read_audit_file
from .result import AuditHistoryResult
from .validating import validate


def check_audit_history(
    path: Path,
    *,
    acting_user: Actor,
    file_name: str | None = None,
    today: date | None = None,
    limits: FileLimits | None = None,
) -> AuditHistoryResult:
    """What importing the file would change, writing nothing (a dry run), with every bad row listed.
    Raises ImportRefused when the file as a whole cannot be read."""
    policy.require(acting_user, policy.IMPORT_AUDIT_HISTORY)
    result, _ = read_and_plan(path, file_name=file_name, dry_run=True, today=today, limits=limits)
    return result


def read_and_plan(
    path: Path, *, file_name: str | None, dry_run: bool, today: date | None, limits: FileLimits | None
) -> tuple[AuditHistoryResult, Plan]:
    """Read and validate the file, and plan its writes against the database as it is now."""
    today = today or timezone.localdate()
    name = file_name or path.name
    kind = detect_kind(path, limits, name)
    table = read_audit_file(path, name, workbook=kind == "annex-a")
    if table.frame.is_empty():
        raise ImportRefused(f"{name} has no rows of audits: nothing to import.")
    result = AuditHistoryResult(file_name=name, dry_run=dry_run, warnings=table.warnings)
    # Looked up, not created, until there is something to write: a dry run writes nothing at all.
    scale = shipped_grade_scale()
    valid = validate(table, scale, today, result)
    return result, plan_writes(valid, table, scale, result)
