"""The caveats a careful analyst adds to a table of grades: periods sampled or graded differently are not
directly comparable, and small samples are uncertain (docs/domain.md#comparability and #small-samples: 6 of
13 is 46%, but could well be anywhere from 23% to 71%)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .cohorts import COHORT_LABELS
from .grade_tables import ALL_COHORTS, SMALL_SAMPLE, GradeRow
from .intervals import wilson_interval

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Basis:
    """How a group of audits came about, in words a committee reads: the sampling ("every open case", "half of
    the open cases"), the focus cohort if any, the audit tool and the grade scale."""

    sampling: str
    focus_cohort: str = ""
    tool: str = NOT_RECORDED
    scale: str = NOT_RECORDED


def sampling_words(*, fraction: float | None, size: int | None, planned: bool = True) -> str:
    """The sampling basis of a cycle in words. A cycle planned without a fraction or size took half of the
    open cases (caseaudit.core.sampling.default_size); a past cycle recorded without either did not say."""
    if size:
        return f"a sample of {size} cases"
    if fraction is None:
        return "half of the open cases" if planned else NOT_RECORDED
    if fraction >= 1:
        return "every open case"
    if fraction == 0.5:
        return "half of the open cases"
    return f"{round(fraction * 100)}% of the open cases"


def caveats(
    bases: Mapping[str, Mapping[Basis, int]],
    rows: Sequence[GradeRow],
    *,
    periods: Sequence[str],
) -> list[str]:
    """Every caveat the table needs, in the order a reader weighs them. `bases` maps each period to the
    bases of its audits with how many audits each covers; `periods` is the table's order (newest first)."""
    compared = [p for p in periods if bases.get(p)]
    notes: list[str] = []
    if len(compared) > 1:
        for aspect, what in (
            ("sampling", "sampled differently"),
            ("focus_cohort", "given different focus cohorts"),
            ("tool", "audited with different audit tools"),
            ("scale", "graded on different grade scales"),
        ):
            note = _differs(aspect, what, bases, compared)
            if note:
                notes.append(note)
    small = _small_samples(rows)
    if small:
        notes.append(small)
    return notes


def _value(basis: Basis, aspect: str) -> str:
    value: str = getattr(basis, aspect)
    if aspect == "focus_cohort":
        return f"{COHORT_LABELS.get(value, value).lower()} first" if value else "no focus cohort"
    return value


def _differs(aspect: str, what: str, bases: Mapping[str, Mapping[Basis, int]], periods: Sequence[str]) -> str:
    """The caveat when periods differ in one aspect, e.g. "Periods were sampled differently, so they are not
    directly comparable. 2021: half of the open cases; 2020 and 2019: every open case." A period that mixes
    bases lists each with its number of audits."""
    described: dict[str, list[str]] = {}
    mixed = False
    for period in periods:
        by_value: dict[str, int] = {}
        for basis, audits in bases[period].items():
            value = _value(basis, aspect)
            by_value[value] = by_value.get(value, 0) + audits
        if len(by_value) == 1:
            words = next(iter(by_value))
        else:
            mixed = True
            words = " and ".join(f"{value} ({_audits(n)})" for value, n in sorted(by_value.items()))
        described.setdefault(words, []).append(period)
    if len(described) == 1 and not mixed:
        return ""
    parts = "; ".join(f"{_joined(ps)}: {words}" for words, ps in described.items())
    return f"Periods were {what}, so they are not directly comparable. {parts}."


def _small_samples(rows: Sequence[GradeRow]) -> str:
    small = [row for row in rows if row.is_small and row.cohort != ALL_COHORTS]
    if not small:
        return ""
    # Every one, in full: a reader must be able to find each small figure without asking which they are.
    cells = "; ".join(f"{_cohort(row.cohort)}, {row.period} ({row.total})" for row in small)
    example = max(small, key=lambda row: (row.total, max(row.counts)))
    count = max(example.counts)
    low, high = wilson_interval(count, example.total) or (0.0, 0.0)
    share = round(100 * count / example.total)
    return (
        f"Small samples: fewer than {SMALL_SAMPLE} audits for {cells}. A percentage from so few audits is "
        f"uncertain: {count} of {example.total} is {share}%, but the true share could well be anywhere from "
        f"{round(100 * low)}% to {round(100 * high)}% (95% interval)."
    )


def _cohort(cohort: str) -> str:
    return COHORT_LABELS.get(cohort, cohort).lower()


def _audits(n: int) -> str:
    return f"{n} audit" if n == 1 else f"{n} audits"


def _joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
