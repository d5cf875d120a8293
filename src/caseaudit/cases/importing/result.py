"""What an import did, or would do: counts per cohort, row errors and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.readers.table import ImportRefused, RowError

COUNT_NAMES = ("created", "updated", "closed", "unchanged", "rejected")


@dataclass
class CohortCounts:
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: CohortCounts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ImportResult:
    file_name: str
    kind: str
    dry_run: bool
    partial: bool
    # Keyed by cohort slug; rows whose cohort could not be read are counted under "unknown".
    by_cohort: dict[str, CohortCounts] = field(default_factory=dict)
    # The first row errors (caseaudit.readers.row_errors.MAX_ROW_ERRORS), in file order; `error_count`
    # counts them all.
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    batch_id: int | None = None

    def counts(self, cohort: str) -> CohortCounts:
        return self.by_cohort.setdefault(cohort, CohortCounts())

    @property
    def totals(self) -> CohortCounts:
        total = CohortCounts()
        for counts in self.by_cohort.values():
            total.add(counts)
        return total

    @property
    def cohort_rows(self) -> list[tuple[str, CohortCounts]]:
        """Cohorts in order of need, then "unknown", leaving out cohorts with nothing to say."""
        order = [*COHORT_SLUGS, "unknown"]
        return [(c, self.by_cohort[c]) for c in order if c in self.by_cohort]

    @property
    def ok(self) -> bool:
        return not self.errors


class RowsRefused(ImportRefused):
    """All or nothing: the file has invalid rows and the import was not asked to skip them, so nothing was
    written. `result` lists the first bad rows and counts them all, and says what a valid file would have
    changed."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{result.error_count:,} problem(s) in {result.file_name}: nothing was imported.")
        self.result = result
