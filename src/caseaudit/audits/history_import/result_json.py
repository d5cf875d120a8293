"""An import's result as the job that worked it out keeps it (JSON, on the job's row), and back, for the
pages that show it: the counts per year and cohort, the first row errors, and the warnings."""

from __future__ import annotations

from typing import Any

from caseaudit.readers.table import RowError

from .result import COUNT_NAMES, AuditHistoryResult, HistoryCounts


def to_json(result: AuditHistoryResult) -> dict[str, Any]:
    return {
        "file_name": result.file_name,
        "dry_run": result.dry_run,
        "by_year_cohort": [
            {"year": year, "cohort": cohort, **{name: getattr(counts, name) for name in COUNT_NAMES}}
            for (year, cohort), counts in result.by_year_cohort.items()
        ],
        "cases_created": result.cases_created,
        "errors": [
            {"source": e.source, "row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
            for e in result.errors
        ],
        "error_count": result.error_count,
        "warnings": list(result.warnings),
        "written": result.written,
    }


def from_json(data: dict[str, Any]) -> AuditHistoryResult:
    result = AuditHistoryResult(file_name=data["file_name"], dry_run=data["dry_run"])
    for row in data["by_year_cohort"]:
        result.by_year_cohort[(row["year"], row["cohort"])] = HistoryCounts(
            **{name: row[name] for name in COUNT_NAMES}
        )
    result.cases_created = data["cases_created"]
    result.errors = [RowError(**error) for error in data["errors"]]
    result.error_count = data["error_count"]
    result.warnings = list(data["warnings"])
    result.written = data["written"]
    return result
