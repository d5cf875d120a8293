"""The paper's summary: the key numbers in sentences, and the change against the period before, with the
caveat when the two were sampled or graded differently."""

from __future__ import annotations

from dataclasses import dataclass

from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.comparability import caveats as comparability_caveats
from caseaudit.core.grade_tables import SMALL_SAMPLE, GradeRow
from caseaudit.cycles.models import Cycle
from caseaudit.reports.charts import chart_rows
from caseaudit.reports.grades import NO_CYCLE, GradeSource, GradeTable

from . import queries
from .words import (
    audits,
    good_or_better,
    percent,
    plural,
)


def total_row(table: GradeTable) -> GradeRow | None:
    """The table's all-cohorts row for its first period (its only cohort's row if it has one cohort)."""
    rows = chart_rows(table)
    return rows[-1] if rows else None


@dataclass(frozen=True)
class Comparison:
    this_label: str
    this_share: int
    earlier_label: str
    earlier_share: int
    caveat: str  # empty when the two periods were sampled and graded alike
    this_total: int = 0  # the audits each share is of
    earlier_total: int = 0


def comparison_with_before(cycle: Cycle, by_cycle: GradeTable, by_year: GradeTable) -> Comparison | None:
    """This cycle against the cycle before it; without one, the cycle's year against the year before."""
    graded = {row.period: row for row in chart_rows(by_cycle) if row.total}
    if cycle.name in graded:
        order = [p for p in by_cycle.periods if p != NO_CYCLE]
        earlier = [p for p in order[order.index(cycle.name) + 1 :] if p in graded]
        if earlier:
            this, before = graded[cycle.name], graded[earlier[0]]
            return _compare(this, before, by_cycle)
    years = {row.period: row for row in chart_rows(by_year) if row.total}
    ordered = [p for p in by_year.periods if p in years]
    if len(ordered) >= 2:
        return _compare(years[ordered[0]], years[ordered[1]], by_year)
    return None


def _compare(this: GradeRow, before: GradeRow, table: GradeTable) -> Comparison:
    periods = [this.period, before.period]
    bases = {p: table.bases.get(p, {}) for p in periods}
    notes = comparability_caveats(bases, [], periods=periods)
    return Comparison(
        this.period,
        good_or_better(this),
        before.period,
        good_or_better(before),
        " ".join(notes),
        this.total,
        before.total,
    )


def small_sample_words(comparison: Comparison) -> str:
    """What a reader must know before weighing a change between two periods when either is small."""
    periods = (
        (comparison.this_label, comparison.this_total),
        (comparison.earlier_label, comparison.earlier_total),
    )
    small = [(label, n) for label, n in periods if n < SMALL_SAMPLE]
    which = " and ".join(f"{label} ({audits(n)})" for label, n in small)
    if len(small) == 2:
        return (
            f"Both periods are small samples, fewer than {SMALL_SAMPLE} audits each ({which}): a change of "
            "this size may be chance."
        )
    if small:
        chance = "a change of this size may be chance"
        return f"{which} is a small sample, fewer than {SMALL_SAMPLE} audits: {chance}."
    return ""


def summary_sentences(
    cycle: Cycle,
    grade_source: GradeSource,
    figures: queries.CycleFigures,
    cycle_row: GradeRow | None,
    this_cycle: GradeTable,
    comparison: Comparison | None,
    agreement: queries.AgreementRow,
    actions: queries.ActionCounts,
) -> tuple[str, ...]:
    """The summary the data gives, a sentence or two each: what the QA lead's summary is drafted from."""
    texts = [
        f"{figures.done} of {figures.planned} planned {plural(figures.planned, 'audit')} "
        f"{'was' if figures.done == 1 else 'were'} completed ({percent(figures.done, figures.planned)})."
    ]
    if cycle_row and cycle_row.total:
        source = "a moderated grade" if grade_source == "moderated" else "an auditor's grade"
        texts.append(
            f"Of the {audits(cycle_row.total)} with {source}, "
            f"{cycle_row.count('good') + cycle_row.count('outstanding')} ({good_or_better(cycle_row)}%) "
            "were graded good or outstanding."
        )
    else:
        source = "a moderated grade" if grade_source == "moderated" else "an auditor's grade"
        texts.append(f"No audit in this cycle has {source} yet.")
    focus = cycle.focus_cohort
    focus_row = next((r for r in this_cycle.rows if r.cohort == focus and r.total), None)
    if focus and focus_row and len(this_cycle.cohorts) > 1:
        good = focus_row.count("good")
        texts.append(
            f"Of the {focus_row.total} {COHORT_LABELS[focus].lower()} {plural(focus_row.total, 'audit')} "
            f"(the focus cohort), {good} {'was' if good == 1 else 'were'} good and "
            f"{focus_row.count('outstanding')} outstanding ({good_or_better(focus_row)}% good or better)."
        )
    if comparison:
        change = comparison.this_share - comparison.earlier_share
        movement = (
            "the same as"
            if change == 0
            else f"{'up' if change > 0 else 'down'} {abs(change)} percentage "
            f"{'point' if abs(change) == 1 else 'points'} from"
        )
        texts.append(
            f"The share good or better in {comparison.this_label} was {comparison.this_share}%, {movement} "
            f"{comparison.earlier_share}% in {comparison.earlier_label}."
        )
        if small := small_sample_words(comparison):
            texts.append(small)
        if comparison.caveat:
            texts.append(f"Read this change with care. {comparison.caveat}")
    if agreement.n:
        texts.append(
            f"The moderators agreed with {agreement.agreed} of the {agreement.n} auditors' "
            f"{plural(agreement.n, 'grade')} they checked ({percent(agreement.agreed, agreement.n)})."
        )
    if actions.total:
        texts.append(
            f"The audits led to {plural(actions.total, 'action', with_count=True)}: {actions.still_open} "
            f"still open, of which {actions.overdue} overdue."
        )
    return tuple(texts)
