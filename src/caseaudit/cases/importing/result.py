"""What an import did, or would do: counts per cohort, row errors and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.readers.table import ImportRefused, RowError

from .closing import ClosingCase, needs_say_so

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
    # The open cases a full import would close, and how many cases were open before it.
    closing: list[ClosingCase] = field(default_factory=list)
    open_before: int = 0

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

    @property
    def closing_in_live_samples(self) -> list[ClosingCase]:
        return [c for c in self.closing if c.in_live_sample]

    @property
    def close_needs_say_so(self) -> bool:
        """Whether the closing needs the importer's explicit say-so (see `importing.closing`)."""
        return needs_say_so(self.closing, self.open_before)


class RowsRefused(ImportRefused):
    """All or nothing: the file has invalid rows and the import was not asked to skip them, so nothing was
    written. `result` lists the first bad rows and counts them all, and says what a valid file would have
    changed."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{result.error_count:,} problem(s) in {result.file_name}: nothing was imported.")
        self.result = result


class ClosingRefused(ImportRefused):
    """A full import would close cases of a live sample, or more than a tenth of the open register, and
    the importer did not say it may: nothing was written. `result` names the cases."""

    def __init__(self, result: ImportResult) -> None:
        live = len(result.closing_in_live_samples)
        super().__init__(
            f"Not imported: {result.file_name} would close {len(result.closing)} of "
            f"{result.open_before} open cases, {live} of them in a planned or in-progress "
            "cycle's sample. Nothing was written. If the "
            "file is the whole open caseload, import it again allowing the cases to close."
        )
        self.result = result
