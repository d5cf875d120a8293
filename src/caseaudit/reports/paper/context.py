"""Everything the committee paper says about a cycle, gathered into one `Paper` (see model.py): the summary,
background and method, the tables and chart, auditor against moderated grades, themes, timeliness, actions and
recommendations, caveats and the appendix of intervals (issue 5, scope 4).

Aggregates only: counts and shares, never a Child Unique ID or a person's name, so that the paper may go to
senior leaders and members (docs/domain.md#roles)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.text import slugify

from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionKind
from caseaudit.reports.grades import GradeSource, grade_table

from . import queries
from .compliance import compliance_rows
from .model import Paper, Recommendation
from .sections import (
    actions_section,
    appendix_section,
    caveats_section,
    chart_section,
    compliance_section,
    method_section,
    moderation_section,
    tables_section,
    themes_section,
    timeliness_section,
)
from .summary import comparison_with_before, summary_section, total_row


def recommendations_for(cycle: Cycle) -> list[Recommendation]:
    """The recommendations the improvement tracker holds for this cycle's report (Action with kind
    "recommendation" and this cycle), in due-date order. Owners are people and stay out of the paper."""
    rows = Action.objects.filter(kind=ActionKind.RECOMMENDATION, cycle=cycle).order_by("due_on", "pk")
    return [Recommendation(a.description, a.due_on, a.get_status_display()) for a in rows]


def paper_file_stem(cycle: Cycle) -> str:
    return f"paper-{slugify(cycle.name) or f'cycle-{cycle.pk}'}"


def build_paper_context(
    cycle: Cycle, *, grade_source: GradeSource = "moderated", today: date | None = None
) -> Paper:
    """The committee paper for `cycle`, with the tables in `grade_source` grades. `today` dates the paper
    and is the day actions count as overdue and timescales are checked on."""
    today = today or timezone.localdate()
    figures = queries.cycle_figures(cycle)
    # The years up to this cycle, and all of it, audits submitted after the deadline too; not what came later.
    up_to = max(cycle.ends_on, figures.last_completed or cycle.ends_on)
    by_year = grade_table(by="year", grade_source=grade_source, up_to=up_to)
    this_cycle = grade_table(by="cycle", grade_source=grade_source, cycles=[cycle])
    by_cycle = grade_table(by="cycle", grade_source=grade_source)
    agreement = queries.agreement(cycle)
    actions = queries.action_counts(cycle, today=today)
    recommendations = recommendations_for(cycle)
    compliance = compliance_rows(cycle, as_of=today)

    cycle_row = total_row(this_cycle)
    comparison = comparison_with_before(cycle, by_cycle, by_year)
    sections = [
        summary_section(cycle, grade_source, figures, cycle_row, this_cycle, comparison, agreement, actions),
        method_section(cycle, grade_source, figures, agreement),
        tables_section(cycle, grade_source, by_year, this_cycle),
        chart_section(by_year),
        moderation_section(cycle),
        themes_section(cycle, figures),
        timeliness_section(cycle, figures, today),
    ]
    sections.append(compliance_section(compliance, today))
    sections += [
        actions_section(actions, recommendations),
        caveats_section(cycle, grade_source, figures, by_year, this_cycle, comparison),
        appendix_section(by_year),
    ]
    return Paper(
        title=f"Case file audit: {cycle.name}",
        cycle_name=cycle.name,
        cycle_pk=cycle.pk,
        file_stem=paper_file_stem(cycle),
        issued_on=today,
        grade_source=grade_source,
        sections=sections,
    )


__all__ = ["Recommendation", "build_paper_context", "paper_file_stem", "recommendations_for"]
