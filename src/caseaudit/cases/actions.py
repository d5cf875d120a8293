"""Changes of state in the case register. Views, API and CLI call these and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.policy import Actor
from caseaudit.readers.files import FileLimits
from caseaudit.readers.table import RawTable

from .importing.check import read_and_plan
from .importing.result import ClosingRefused, ImportResult, RowsRefused
from .importing.ssda903 import ReturnRead
from .importing.write import apply_plan
from .models import CareEpisode, Case, ImportBatch, StatutoryReview
from .signals import register_imported

ProgressFactory = Callable[[str, int], Callable[[int], None]]


@changes_state
def import_case_register(
    path: Path,
    *,
    acting_user: Actor,
    file_name: str | None = None,
    skip_invalid: bool = False,
    partial: bool = False,
    today: date | None = None,
    limits: FileLimits | None = None,
    progress: ProgressFactory | None = None,
    allow_close: bool = False,
    raw: RawTable | None = None,
) -> ImportResult:
    """Import the open caseload from caseaudit's CSV or an Annex A workbook, or from `raw`, the rows a
    statutory return's reader made of its files (`importing.ssda903`). To see what it would change first,
    without writing anything, use `importing.check.check_case_register`.

    All or nothing by default: one invalid row and nothing is written (RowsRefused, listing every bad
    row). With `skip_invalid` the valid rows are written and the rest listed. A full import closes (never
    deletes) open cases the file does not list; `partial` only adds and updates. Closing a case of a live
    sample, or more than a tenth of the open register, needs `allow_close` (ClosingRefused, naming the
    cases, otherwise). Raises ImportRefused when the file as a whole cannot be read."""
    policy.require(acting_user, policy.IMPORT_REGISTER)
    today = today or timezone.localdate()
    # Planned inside this transaction, so that the plan is written against the register it was made from.
    result, plan = read_and_plan(
        path, file_name=file_name, partial=partial, dry_run=False, limits=limits, raw=raw
    )
    if result.errors and not skip_invalid:
        raise RowsRefused(result)
    if result.close_needs_say_so and not allow_close:
        raise ClosingRefused(result)
    totals = result.totals
    batch = ImportBatch.objects.create(
        user=policy.named(acting_user),
        file_name=result.file_name[:255],
        kind=result.kind,
        partial=partial,
        **vars(totals),
    )
    total = plan.create.height + plan.update.height + plan.close.height
    apply_plan(
        plan,
        batch_id=batch.pk,
        today=today,
        progress=progress("Writing cases", total) if progress else None,
    )
    # The register as a whole changed; the batch is the import that changed it.
    record_change(
        acting_user,
        "register.imported",
        ("register", batch.pk),
        new={"created": totals.created, "updated": totals.updated, "closed": totals.closed},
    )
    transaction.on_commit(lambda: register_imported.send(sender=ImportBatch))
    result.written = True
    result.batch_id = batch.pk
    return result


@changes_state
def import_return(
    read: ReturnRead, *, acting_user: Actor, file_name: str, today: date | None = None
) -> ImportResult:
    """Import a statutory return (`importing.ssda903.read_ssda903`): its cases as a partial import (a
    return names only its own children), then the history of each child it names, in the same
    transaction. All or nothing, as the register's import.

    A return holds one collection year: the history builds up from year to year. A review is a fact,
    kept once; an episode is restated by each return that holds it, so the latest return's version of an
    episode (by child and start date) replaces the earlier one."""
    result = import_case_register(
        Path(file_name), acting_user=acting_user, file_name=file_name, partial=True, raw=read.raw, today=today
    )
    case_ids = dict(
        Case.objects.filter(child_id__in=read.raw.frame["child_id"].to_list()).values_list("child_id", "pk")
    )
    batch = result.batch_id
    restated = read.episodes.filter(pl.col("child_id").is_in(list(case_ids)))
    for child_id, starts in restated.group_by("child_id").agg("starts_on").iter_rows():
        CareEpisode.objects.filter(case_id=case_ids[child_id], starts_on__in=starts).delete()
    CareEpisode.objects.bulk_create(
        CareEpisode(
            case_id=case_ids[row["child_id"]],
            batch_id=batch,
            **{k: v for k, v in row.items() if k != "child_id"},
        )
        for row in read.episodes.iter_rows(named=True)
        if row["child_id"] in case_ids
    )
    StatutoryReview.objects.bulk_create(
        (
            StatutoryReview(case_id=case_ids[child_id], held_on=held_on, batch_id=batch)
            for child_id, held_on in read.reviews.iter_rows()
            if child_id in case_ids
        ),
        ignore_conflicts=True,  # held before, in an earlier year's return
    )
    record_change(
        acting_user,
        "register.history-imported",
        ("register", batch),
        new={"episodes": read.episodes.height, "reviews": read.reviews.height},
    )
    return result
