"""What an import of historical audits did, or would do: counts per year and cohort, row errors and
warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.readers.table import ImportRefused, RowError

COUNT_NAMES = ("created", "updated", "unchanged", "rejected")


@dataclass
class HistoryCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: HistoryCounts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class AuditHistoryResult:
    """What an import of historical audits did, or would do. Counts are keyed by the year of the audit
    date (None where it could not be read) and the cohort the file gives ("unknown" where unreadable)."""

    file_name: str
    dry_run: bool
    by_year_cohort: dict[tuple[int | None, str], HistoryCounts] = field(default_factory=dict)
    cases_created: int = 0  # closed historical cases for children not in the register
    # The first row errors (caseaudit.readers.row_errors.MAX_ROW_ERRORS), in file order; `error_count`
    # counts them all.
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def counts(self, year: int | None, cohort: str) -> HistoryCounts:
        return self.by_year_cohort.setdefault((year, cohort), HistoryCounts())

    @property
    def totals(self) -> HistoryCounts:
        total = HistoryCounts()
        for counts in self.by_year_cohort.values():
            total.add(counts)
        return total

    @property
    def rows(self) -> list[tuple[int | None, str, HistoryCounts]]:
        """Oldest year first, an unreadable year last; cohorts in order of need, then "unknown"."""
        order = {slug: rank for rank, slug in enumerate([*COHORT_SLUGS, "unknown"])}
        keys = sorted(self.by_year_cohort, key=lambda k: (k[0] is None, k[0] or 0, order.get(k[1], 99)))
        return [(year, cohort, self.by_year_cohort[(year, cohort)]) for year, cohort in keys]


class RowsRefused(ImportRefused):
    """All or nothing: the file has invalid rows and the import was not asked to skip them, so nothing was
    written. `result` lists the first bad rows and counts them all, and says what a valid file would have
    changed."""

    def __init__(self, result: AuditHistoryResult) -> None:
        super().__init__(f"{result.error_count:,} problem(s) in {result.file_name}: nothing was imported.")
        self.result = result
