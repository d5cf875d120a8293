"""The committee's table: per period and cohort, how many audits were graded at each level, as
"count (percent)" (docs/domain.md#percentages, with its example table)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .apportion import whole_percentages
from .intervals import wilson_interval

# The Ofsted scale, worst first, as the committee's table prints it.
OFSTED_GRADES: tuple[str, ...] = ("inadequate", "requires-improvement", "good", "outstanding")
# The row that adds up every cohort of a period.
ALL_COHORTS = "all"
# Fewer audits than this in a row and its percentages can swing a long way on one case.
SMALL_SAMPLE = 20


@dataclass(frozen=True)
class GradeRow:
    """One row of the table: a period (a year or a cycle), a cohort (or ALL_COHORTS), and the count per grade
    in the order of `grades` (worst first)."""

    period: str
    cohort: str
    grades: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def percentages(self) -> tuple[int, ...] | None:
        return grade_percentages(self.counts)

    @property
    def intervals(self) -> tuple[tuple[float, float], ...] | None:
        """The 95% Wilson interval of each grade's share, as fractions; None for an empty row."""
        if not self.total:
            return None
        return tuple(wilson_interval(count, self.total) or (0.0, 0.0) for count in self.counts)

    @property
    def is_small(self) -> bool:
        return 0 < self.total < SMALL_SAMPLE

    def count(self, grade: str) -> int:
        return self.counts[self.grades.index(grade)]


def grade_percentages(counts: Sequence[int]) -> tuple[int, ...] | None:
    """Whole percentages, worst grade first, by the largest-remainder method of docs/domain.md#percentages
    (5 of 13 is 39%, not 38%), with equal counts always at equal percentages, so a row may sum to 99 or 101
    (`rounding_note`). No audits, no percentages."""
    if not sum(counts):
        return None
    return tuple(whole_percentages(counts))


def rounding_note(rows: Iterable[GradeRow]) -> str | None:
    """What a table says under it when one of its rows' percentages does not sum to 100
    (grade_percentages); None when every row does."""
    if any(row.percentages is not None and sum(row.percentages) != 100 for row in rows):
        return (
            "Percentages may not sum to 100 because of rounding: equal counts always show equal percentages."
        )
    return None


def grade_rows(
    counts: Mapping[tuple[str, str], Mapping[str, int]],
    *,
    periods: Sequence[str],
    cohorts: Sequence[str],
    grades: Sequence[str] = OFSTED_GRADES,
    with_totals: bool = True,
) -> list[GradeRow]:
    """The table's rows: every period in the order given (newest first), and within it every cohort in the
    order given, then, when `with_totals` and there is more than one cohort, a row for all cohorts together.
    A cohort without audits in a period still gets a row (0 audits, no percentages): a gap the committee
    should see, not a row that silently disappears. `counts` maps (period, cohort) to a count per grade."""
    grades = tuple(grades)
    rows: list[GradeRow] = []
    for period in periods:
        period_rows = [
            GradeRow(period, cohort, grades, _counts(counts.get((period, cohort), {}), grades))
            for cohort in cohorts
        ]
        rows.extend(period_rows)
        if with_totals and len(cohorts) > 1:
            rows.append(GradeRow(period, ALL_COHORTS, grades, _sum_counts(r.counts for r in period_rows)))
    return rows


def _counts(by_grade: Mapping[str, int], grades: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(int(by_grade.get(grade, 0)) for grade in grades)


def _sum_counts(rows: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sum(column) for column in zip(*rows, strict=True))


def cell_text(count: int, percentage: int | None) -> str:
    """How the committee's table prints a cell: "5 (39%)", and a bare "0" for a grade nobody got."""
    if not count or percentage is None:
        return str(count)
    return f"{count} ({percentage}%)"
