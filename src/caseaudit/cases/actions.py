"""Changes of state in the case register. Views, API and CLI call these and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.bulk_insert import insert_rows
from caseaudit.bulk_read import IN_CHUNK, read_frame_where_in
from caseaudit.policy import Actor
from caseaudit.readers.command_output import ProgressBars
from caseaudit.readers.files import FileLimits
from caseaudit.readers.table import RawTable

from .importing.check import read_and_plan
from .importing.result import ClosingRefused, ImportResult, RowsRefused
from .importing.ssda903 import ReturnRead
from .importing.write import apply_plan
from .models import CareEpisode, Case, ImportBatch, MissingEpisode, StatutoryReview
from .signals import register_imported


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
    progress: ProgressBars | None = None,
    allow_close: bool = False,
    raw: RawTable | None = None,
    extracted_on: date | None = None,
) -> ImportResult:
    """Import the open caseload from caseaudit's CSV or an Annex A workbook, or from `raw`, the rows a
    statutory return's reader made of its files (`importing.ssda903`). To see what it would change first,
    without writing anything, use `importing.check.check_case_register`.

    All or nothing by default: one invalid row and nothing is written (RowsRefused, listing every bad
    row). With `skip_invalid` the valid rows are written and the rest listed. A full import closes (never
    deletes) open cases the file does not list; `partial` only adds and updates. Closing a case of a live
    sample, or more than a tenth of the open register, needs `allow_close` (ClosingRefused, naming the
    cases, otherwise). `extracted_on` is the day the file was extracted from the case management system,
    where it is known: the case page names it (or else the day of the import) beside each date the file
    brought. Raises ImportRefused when the file as a whole cannot be read."""
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
        extracted_on=extracted_on,
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
    read: ReturnRead,
    *,
    acting_user: Actor,
    file_name: str,
    today: date | None = None,
    extracted_on: date | None = None,
    progress: ProgressBars | None = None,
) -> ImportResult:
    """Import a statutory return (`importing.ssda903.read_ssda903`): its cases as a partial import (a
    return names only its own children), then the history of each child it names, in the same
    transaction. All or nothing, as the register's import.

    A return holds one collection year: the history builds up from year to year. A review is a fact,
    kept once; an episode is restated by each return that holds it, so the latest return's version of an
    episode (by child and start date) replaces the earlier one. The return was extracted on
    `extracted_on`, else the day its header gives (the census's), where either is known."""
    result = import_case_register(
        Path(file_name),
        acting_user=acting_user,
        file_name=file_name,
        partial=True,
        raw=read.raw,
        today=today,
        extracted_on=extracted_on or read.extracted_on,
        progress=progress,
    )
    _keep_history(read, result.batch_id)
    record_change(
        acting_user,
        "register.history-imported",
        ("register", result.batch_id),
        new={
            "episodes": read.episodes.height,
            "reviews": read.reviews.height,
            "missing": read.missing.height,
        },
    )
    return result


def _keep_history(read: ReturnRead, batch: int | None) -> None:
    """Add the return's episodes, reviews and missing episodes to its children's history, in bulk: a
    regional return holds a hundred thousand episodes. Reads the history already held for those children
    once, to replace what the return restates and keep each review once."""
    ids = read_frame_where_in(
        Case.objects.all(), "child_id", read.raw.frame["child_id"].to_list(),
        {"child_id": pl.Utf8, "pk": pl.Int64},
    ).rename({"pk": "case_id"})  # fmt: skip
    stamped = pl.lit(batch).alias("batch_id")
    case_ids = ids["case_id"].to_list()
    for model, rows in ((CareEpisode, read.episodes), (MissingEpisode, read.missing)):
        _restate(model, rows.join(ids, on="child_id").drop("child_id").with_columns(stamped), case_ids)
    reviews = read.reviews.join(ids, on="child_id").drop("child_id").with_columns(stamped)
    kept_reviews = read_frame_where_in(
        StatutoryReview.objects.all(), "case_id", case_ids, {"case_id": pl.Int64, "held_on": pl.Date}
    )
    insert_rows(StatutoryReview, reviews.join(kept_reviews, on=["case_id", "held_on"], how="anti"))


def _restate(
    model: type[CareEpisode] | type[MissingEpisode], rows: pl.DataFrame, case_ids: list[int]
) -> None:
    """Write `rows` (by case and start date) in place of the ones of the same case and start held before:
    each year's return restates the episodes still open at the year before's end."""
    held = read_frame_where_in(
        model.objects.all(), "case_id", case_ids, {"pk": pl.Int64, "case_id": pl.Int64, "starts_on": pl.Date}
    )
    restated = held.join(rows.select("case_id", "starts_on"), on=["case_id", "starts_on"])["pk"].to_list()
    for start in range(0, len(restated), IN_CHUNK):
        model.objects.filter(pk__in=restated[start : start + IN_CHUNK]).delete()
    insert_rows(model, rows)
