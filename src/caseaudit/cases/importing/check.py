"""What importing a register file would change, worked out without writing anything: the dry run the QA
lead checks before an import, and the first half of the import itself (`cases.actions`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.utils import timezone

from caseaudit import policy
from caseaudit.core import data_quality
from caseaudit.policy import Actor
from caseaudit.readers.files import FileLimits, detect_kind
from caseaudit.readers.table import ImportRefused, RawTable

from .annex_a import read_annex_a
from .closing import cases_to_close
from .csv_reader import read_register_csv
from .merge import merge_lists
from .plan import Plan, load_register, plan_changes
from .result import ImportResult
from .validate import validate


def check_case_register(
    path: Path,
    *,
    acting_user: Actor,
    file_name: str | None = None,
    partial: bool = False,
    limits: FileLimits | None = None,
    raw: RawTable | None = None,
) -> ImportResult:
    """What importing the file would change, writing nothing (a dry run), with every bad row listed. For
    the people who may import: the counts describe the register. Raises ImportRefused when the file as a
    whole cannot be read."""
    policy.require(acting_user, policy.IMPORT_REGISTER)
    result, _ = read_and_plan(
        path, file_name=file_name, partial=partial, dry_run=True, limits=limits, raw=raw
    )
    return result


def read_and_plan(
    path: Path,
    *,
    file_name: str | None,
    partial: bool,
    dry_run: bool,
    limits: FileLimits | None,
    raw: RawTable | None = None,
) -> tuple[ImportResult, Plan]:
    """Read and validate the file (or take `raw`, the rows a statutory return's reader made of its files),
    and plan its changes against the register as it is now."""
    name = file_name or path.name
    if raw is None:
        kind = detect_kind(path, limits, name)
        raw = read_annex_a(path, name) if kind == "annex-a" else read_register_csv(path, name)
    if raw.frame.is_empty():
        # A full import of no rows would close every open case: never what anyone means.
        raise ImportRefused(f"{name} has no rows of cases: nothing to import.")
    checked = validate(raw)
    incoming = merge_lists(checked.frame) if raw.merge_lists else checked.frame
    result = ImportResult(file_name=name, kind=raw.kind, dry_run=dry_run, partial=partial)
    warnings, absent = raw.warnings, raw.absent
    # The file's text is let go before the register is read: at a million rows its dates as text alone
    # are a quarter of a gigabyte (a return's reader keeps its own rows, which are small).
    del raw

    result.errors = checked.errors
    result.error_count = checked.error_count
    result.warnings = [*warnings, *_implausible(incoming)]
    for cohort in checked.rejected["cohort"]:
        result.counts(cohort).rejected += 1
    existing = load_register()
    plan = plan_changes(
        incoming, existing, absent=absent, partial=partial, keep_open=checked.rejected["child_id"]
    )
    _count(plan, result)
    result.closing = cases_to_close(plan.close)
    result.open_before = existing.filter(pl.col("closed_on").is_null()).height
    return result, plan


def _implausible(incoming: pl.DataFrame) -> list[str]:
    """A warning naming the implausible data the file brings (imported as it is, never guessed at)."""
    said = data_quality.describe(data_quality.problems(incoming, timezone.localdate()))
    return [f"{said}. The cases are imported as they are: see the data quality page."] if said else []


def _count(plan: Plan, result: ImportResult) -> None:
    for field, frame in (
        ("created", plan.create),
        ("updated", plan.update),
        ("closed", plan.close),
        ("unchanged", plan.unchanged),
    ):
        for cohort, number in frame.group_by("cohort").len().iter_rows():
            setattr(result.counts(cohort), field, getattr(result.counts(cohort), field) + number)
