"""A cycle's sample, allocation and progress as a spreadsheet: `export-cycle` and the weekly progress
report on the cycle page. For the QA team: it names cases by Child Unique ID, never by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, TYPE_CHECKING

from caseaudit.audits.models import AuditStatus
from caseaudit.spreadsheets import write_csv, write_xlsx

from .models import Cycle
from .progress import COUNTED, NOT_WORK, cycle_progress

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

AUDIT_HEADER = ("child_id", "cohort", "team", "reason", "auditor", "status", "overdue")
PROGRESS_HEADER = ("group", *(AuditStatus(s).label for s in COUNTED), "total", "overdue")


# Told of each row written (a job's progress).
RowDone = Callable[[], None]


def audit_rows(cycle: Cycle, *, today: date, row_done: RowDone | None = None) -> Iterator[tuple[str, ...]]:
    past_deadline = today > cycle.ends_on
    for child_id, cohort, team, reason, username, status in cycle.audits.order_by(
        "case__child_id"
    ).values_list(
        "case__child_id", "case__cohort", "case__team__name", "reason", "auditor__username", "status"
    ):
        overdue = "yes" if past_deadline and status not in NOT_WORK else ""
        yield (child_id, cohort, team or "", reason, username or "", status, overdue)
        if row_done is not None:
            row_done()


def progress_rows(cycle: Cycle, *, today: date) -> list[tuple[object, ...]]:
    progress = cycle_progress(cycle, today=today)
    rows: list[tuple[object, ...]] = []
    for kind, group in (("Auditor", progress.by_auditor), ("Cohort", progress.by_cohort)):
        rows.extend((f"{kind}: {r.label}", *r.by_status(), r.total, r.overdue) for r in group)
    rows.append(("All audits", *progress.total.by_status(), progress.total.total, progress.total.overdue))
    return rows


def export_cycle_csv(
    cycle: Cycle, stream: SupportsWrite[str], *, today: date, row_done: RowDone | None = None
) -> int:
    return write_csv(stream, AUDIT_HEADER, audit_rows(cycle, today=today, row_done=row_done))


def export_cycle_xlsx(
    cycle: Cycle, target: str | IO[bytes], *, today: date, row_done: RowDone | None = None
) -> None:
    write_xlsx(
        target,
        [
            ("Progress", PROGRESS_HEADER, progress_rows(cycle, today=today)),
            ("Audits", AUDIT_HEADER, audit_rows(cycle, today=today, row_done=row_done)),
        ],
    )
