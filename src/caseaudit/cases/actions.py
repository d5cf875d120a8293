"""Changes of state in the case register. Views, API and CLI call these and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.policy import Actor
from caseaudit.readers.files import FileLimits
from caseaudit.readers.table import RawTable

from .importing.check import read_and_plan
from .importing.result import ClosingRefused, ImportResult, RowsRefused
from .importing.write import apply_plan
from .models import ImportBatch
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
