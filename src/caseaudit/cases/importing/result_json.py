"""An import's result as the job that worked it out keeps it (JSON, on the job's row), and back, for the
pages that show it: the counts, the first row errors, and the first cases it would close."""

from __future__ import annotations

from typing import Any

from caseaudit.readers.table import RowError

from .closing import ClosingCase
from .result import COUNT_NAMES, CohortCounts, ImportResult

# The cases a full import would close, kept to show (those in a live sample first): the page names no more.
CLOSING_KEPT = 500


def to_json(result: ImportResult) -> dict[str, Any]:
    return {
        "file_name": result.file_name,
        "kind": result.kind,
        "dry_run": result.dry_run,
        "partial": result.partial,
        "by_cohort": {
            cohort: {name: getattr(counts, name) for name in COUNT_NAMES}
            for cohort, counts in result.by_cohort.items()
        },
        "errors": [
            {"source": e.source, "row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
            for e in result.errors
        ],
        "error_count": result.error_count,
        "warnings": list(result.warnings),
        "written": result.written,
        "batch_id": result.batch_id,
        "closing": [
            {"child_id": c.child_id, "in_live_sample": c.in_live_sample}
            for c in result.closing[:CLOSING_KEPT]
        ],
        "closing_count": len(result.closing),
        "closing_live": len(result.closing_in_live_samples),
        "open_before": result.open_before,
    }


def from_json(data: dict[str, Any]) -> ImportResult:
    """The result again, with `closing` cut to the first CLOSING_KEPT: use `closing_counts` for numbers."""
    result = ImportResult(
        file_name=data["file_name"], kind=data["kind"], dry_run=data["dry_run"], partial=data["partial"]
    )
    result.by_cohort = {cohort: CohortCounts(**counts) for cohort, counts in data["by_cohort"].items()}
    result.errors = [RowError(**error) for error in data["errors"]]
    result.error_count = data["error_count"]
    result.warnings = list(data["warnings"])
    result.written = data["written"]
    result.batch_id = data["batch_id"]
    result.closing = [ClosingCase(**case) for case in data["closing"]]
    result.open_before = data["open_before"]
    return result


def closing_counts(data: dict[str, Any]) -> tuple[int, int]:
    """How many open cases the import closes, and how many of them are in a live sample."""
    return data["closing_count"], data["closing_live"]
