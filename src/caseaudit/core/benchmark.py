"""Regional benchmarking: an authority's grade table and compliance counts as a file other authorities can
read, counts only, and the files of several authorities set side by side (docs/domain.md#benchmarking).

The file holds no child-level data: counts per period, cohort and grade, and per check and cohort. A count
from 1 to 4 could point to a child in a small authority, so it is suppressed (written as null). Where a row
shows its total and only one cell is suppressed, the total would give it away: the next smallest cell is
suppressed too (secondary suppression). A total under 5 suppresses its whole row. Django-free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "caseaudit-benchmark"
VERSION = 1
SUPPRESS_BELOW = 5
GOOD_OR_BETTER = ("good", "outstanding")
CAVEATS = (
    "Counts only: no child-level data. Counts from 1 to 4 are suppressed, and where one suppressed count "
    "could be worked out from its row's total, the next smallest is suppressed too.",
    "Authorities audit different samples with different tools, and moderate differently: a difference in "
    "grades may be a difference in method, not in practice.",
    "Compliance is counted on each authority's own date, from its own register and its own timescale rules.",
)


def suppressed(counts: Mapping[str, int], total: int) -> tuple[dict[str, int | None], int | None]:
    """`counts` with small counts suppressed (None), and the total (None if under SUPPRESS_BELOW, when the
    whole row is)."""
    if total < SUPPRESS_BELOW:
        return dict.fromkeys(counts), None
    shown: dict[str, int | None] = {k: (None if 0 < v < SUPPRESS_BELOW else v) for k, v in counts.items()}
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        # One hidden cell and the total shown: the others would give it away. Hide the next smallest.
        others = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if others:
            shown[others[0][1]] = None
    return shown, total


def benchmark_document(
    *,
    authority: str,
    made_on: date,
    grade_rows: Sequence[Mapping[str, Any]],
    grade_by: str,
    grade_source: str,
    compliance_as_of: date,
    compliance_rows: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The file: `grade_rows` as the grade table's JSON gives them (period, cohort, total, counts), and
    `compliance_rows` as the compliance summary gives them (check, cohort, applicable and one count per
    status)."""
    grades = []
    for row in grade_rows:
        counts, total = suppressed(row["counts"], row["total"])
        grades.append({"period": row["period"], "cohort": row["cohort"], "total": total, "counts": counts})
    compliance = []
    for row in compliance_rows:
        statuses = {k: v for k, v in row.items() if k not in ("check", "cohort", "applicable")}
        counts, total = suppressed(statuses, row["applicable"])
        compliance.append(
            {"check": row["check"], "cohort": row["cohort"], "applicable": total, "counts": counts}
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "authority": authority,
        "made_on": made_on.isoformat(),
        "suppressed_below": SUPPRESS_BELOW,
        "caveats": list(CAVEATS),
        "grades": {"by": grade_by, "grade_source": grade_source, "rows": grades},
        "compliance": {"as_of": compliance_as_of.isoformat(), "rows": compliance},
    }


# Reading other authorities' files --------------------------------------------------------------------------

Count = Annotated[int, Field(ge=0)] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeRowModel(_Strict):
    period: str
    cohort: str
    total: Count
    counts: dict[str, Count]


class GradesModel(_Strict):
    by: Literal["year", "cycle"]
    grade_source: Literal["moderated", "auditor"]
    rows: list[GradeRowModel]


class ComplianceRowModel(_Strict):
    check: str
    cohort: str
    applicable: Count
    counts: dict[str, Count]


class ComplianceModel(_Strict):
    as_of: date
    rows: list[ComplianceRowModel]


class BenchmarkFile(_Strict):
    format: Literal["caseaudit-benchmark"]
    version: Literal[1]
    authority: Annotated[str, Field(min_length=1, max_length=200)]
    made_on: date
    suppressed_below: int
    caveats: list[str]
    grades: GradesModel
    compliance: ComplianceModel


def share(counts: Mapping[str, int | None], names: Sequence[str], total: int | None) -> float | None:
    """The share of `total` in the cells `names`, or None where the total or one of the cells is
    suppressed (a share of what is left would mislead)."""
    if not total:
        return None
    picked = [counts.get(name, 0) for name in names]  # a grade not given: none of it
    if any(value is None for value in picked):
        return None
    return sum(value or 0 for value in picked) / total


def comparison(files: Sequence[BenchmarkFile]) -> dict[str, list[tuple[str, str, list[float | None]]]]:
    """For each table, its rows (period or check, cohort) with each authority's share in file order: good
    or better for the grades, compliant for the checks. Rows any authority has are listed; an authority
    without the row has None."""
    grade_keys: dict[tuple[str, str], list[float | None]] = {}
    check_keys: dict[tuple[str, str], list[float | None]] = {}
    for index, document in enumerate(files):
        for row in document.grades.rows:
            cells = grade_keys.setdefault((row.period, row.cohort), [None] * len(files))
            cells[index] = share(row.counts, GOOD_OR_BETTER, row.total)
        for check in document.compliance.rows:
            cells = check_keys.setdefault((check.check, check.cohort), [None] * len(files))
            cells[index] = share(check.counts, ("compliant",), check.applicable)
    return {
        "grades": [
            (period, cohort, cells) for (period, cohort), cells in sorted(grade_keys.items(), reverse=True)
        ],
        "compliance": [(check, cohort, cells) for (check, cohort), cells in sorted(check_keys.items())],
    }
