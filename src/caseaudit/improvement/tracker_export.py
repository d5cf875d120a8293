"""The tracker as a spreadsheet, in the meeting's order: for the QA team and managers to work on offline.
Through `write_xlsx`, so no cell becomes a formula. The Child Unique ID column is there only for people
who may see cases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from caseaudit.spreadsheets import write_xlsx

from .meeting import Meeting, Row

COUNTS_HEADER = ("status", "count")


def action_header(*, include_child_id: bool) -> tuple[str, ...]:
    return (
        "action_id",
        "kind",
        *(("child_id",) if include_child_id else ()),
        "cycle",
        "team",
        "owner",
        "description",
        "due_on",
        "status",
        "days_overdue",
        "evidence",
    )


def action_rows(rows: list[Row], *, include_child_id: bool) -> Iterator[tuple[object, ...]]:
    for row in rows:
        action = row.action
        cycle = action.cycle or (action.audit.cycle if action.audit else None)
        yield (
            action.pk,
            action.kind,
            *((action.case.child_id if action.case else "",) if include_child_id else ()),
            cycle.name if cycle else "",
            row.team_name,
            row.owner_name,
            action.description,
            action.due_on,
            action.status,
            row.days_overdue,
            action.evidence,
        )


def export_meeting_xlsx(meeting: Meeting, target: str | IO[bytes], *, include_child_id: bool) -> None:
    totals = meeting.counts
    write_xlsx(
        target,
        [
            (
                "Actions",
                action_header(include_child_id=include_child_id),
                action_rows(meeting.rows, include_child_id=include_child_id),
            ),
            (
                "Counts",
                COUNTS_HEADER,
                [
                    ("open", totals.open),
                    ("in-progress", totals.in_progress),
                    ("done", totals.done),
                    ("verified", totals.verified),
                    ("cancelled", totals.cancelled),
                    ("overdue", totals.overdue),
                ],
            ),
        ],
    )
