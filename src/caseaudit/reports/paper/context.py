"""Everything the committee paper says about a cycle, gathered into one `Paper` (see model.py), in the order
of a council's committee report: the report's details, the recommendation to members, the summary,
background and method, the findings (tables and chart, auditor against moderated grades, themes),
timeliness, compliance, actions and recommendations, follow-up and progress since the last paper, the
conclusion, the implications, caveats and the appendices (how sure the figures are; equalities).

The QA lead's words (the details, recommendation, summary, findings in brief, conclusion, who audited, the
feedback and the implications) are theirs where they wrote them, and drafted from the data where they did
not (story.py).

Aggregates only: counts and shares, never a Child Unique ID or a person's name, so that the paper may go to
senior leaders and members (docs/domain.md#roles)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from caseaudit.core.audit_types import audit_type_label
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionKind
from caseaudit.reports.grades import GradeSource, GradeTable, grade_table
from caseaudit.reports.models import PaperStory

from . import queries
from .compliance import compliance_rows
from .equalities import cycle_equalities, equalities_section
from .model import Paper, Recommendation
from .sections import (
    actions_section,
    appendix_section,
    caveats_section,
    chart_section,
    compliance_section,
    follow_up_section,
    method_section,
    moderation_section,
    tables_section,
    teams_section,
    themes_section,
    timeliness_section,
)
from .story import StoryFigures, drafts, resolved
from .story_sections import details_section, implications_section, words_section
from .summary import comparison_with_before, summary_sentences, total_row


def recommendations_for(cycle: Cycle) -> list[Recommendation]:
    """The recommendations the improvement tracker holds for this cycle's report (Action with kind
    "recommendation" and this cycle), in due-date order. Owners are people and stay out of the paper."""
    rows = Action.objects.filter(kind=ActionKind.RECOMMENDATION, cycle=cycle).order_by("due_on", "pk")
    return [Recommendation(a.description, a.due_on, a.get_status_display()) for a in rows]


def paper_file_stem(cycle: Cycle) -> str:
    return f"paper-{slugify(cycle.name) or f'cycle-{cycle.pk}'}"


@dataclass(frozen=True)
class _Drafted:
    """What the paper and the drafts of the QA lead's words are both drawn from."""

    figures: queries.CycleFigures
    by_year: GradeTable
    this_cycle: GradeTable
    agreement: queries.AgreementRow
    actions: queries.ActionCounts
    recommendations: list[Recommendation]
    themes: list[queries.ThemeCount]
    counts: queries.StoryCounts
    drafts: dict[str, str]


def _drafted(cycle: Cycle, grade_source: GradeSource, today: date) -> _Drafted:
    figures = queries.cycle_figures(cycle)
    # The years up to this cycle, and all of it, audits submitted after the deadline too; not what came later.
    up_to = max(cycle.ends_on, figures.last_completed or cycle.ends_on)
    # The tables are of the cycle's kind of audit: a thematic audit's paper compares thematic audits.
    kind = cycle.audit_type
    by_year = grade_table(by="year", grade_source=grade_source, up_to=up_to, audit_type=kind)
    this_cycle = grade_table(by="cycle", grade_source=grade_source, cycles=[cycle], audit_type=kind)
    by_cycle = grade_table(by="cycle", grade_source=grade_source, audit_type=kind)
    agreement = queries.agreement(cycle)
    actions = queries.action_counts(cycle, today=today)
    recommendations = recommendations_for(cycle)
    cycle_row = total_row(this_cycle)
    comparison = comparison_with_before(cycle, by_cycle, by_year)
    themes = queries.theme_counts(cycle)
    counts = queries.story_counts(cycle, today)
    summary = summary_sentences(
        cycle, grade_source, figures, cycle_row, this_cycle, comparison, agreement, actions
    )
    drafted = drafts(
        StoryFigures(
            # "the council" stands in where no name is configured: then the QA lead gives the authority.
            council="" if settings.COUNCIL_NAME == "the council" else settings.COUNCIL_NAME,
            cycle_name=cycle.name,
            summary=summary,
            cycle_row=cycle_row,
            auditors=counts.auditors,
            unattributed=counts.unattributed,
            organisations=counts.organisations,
            feedback=counts.feedback,
            feedback_audits=counts.feedback_audits,
            done=figures.done,
            concerns=counts.concerns,
            recommendations=len(recommendations),
            strongest=getattr(queries.leading(themes, "strengths"), "theme", ""),
            weakest=getattr(queries.leading(themes, "issues"), "theme", ""),
            focus_reason=cycle.focus_reason if cycle.focus_cohort else "",
        )
    )
    return _Drafted(
        figures, by_year, this_cycle, agreement, actions, recommendations, themes, counts, drafted
    )


def story_drafts(cycle: Cycle, *, today: date | None = None) -> dict[str, str]:
    """Each of the QA lead's texts as caseaudit drafts it from today's figures (moderated grades), without
    the rest of the paper: its compliance, its follow-up and its tables are not needed to draft them."""
    return _drafted(cycle, "moderated", today or timezone.localdate()).drafts


def build_paper_context(
    cycle: Cycle,
    *,
    grade_source: GradeSource = "moderated",
    today: date | None = None,
    officers: bool = False,
) -> Paper:
    """The committee paper for `cycle`, with the tables in `grade_source` grades. `today` dates the paper
    and is the day actions count as overdue. `officers`: the officers' version, which adds tables by team
    (the members' version, the committee paper kept and issued, has the authority's figures only)."""
    today = today or timezone.localdate()
    d = _drafted(cycle, grade_source, today)
    written = PaperStory.objects.filter(cycle=cycle).first()
    story = resolved(written.texts if written else {}, d.drafts)
    # Compliance as at the cycle's last day, or the day the QA lead chose: never the day it is printed.
    checked_on = min((written.compliance_on if written else None) or cycle.ends_on, today)
    compliance = compliance_rows(cycle, as_of=checked_on)
    sections = [
        details_section(story, meeting_on=written.meeting_on if written else None, dated=today),
        words_section("recommendation", "Recommendation", story["recommendation"]),
        words_section("summary", "Summary", story["summary"]),
        method_section(cycle, grade_source, d.figures, d.agreement, d.counts, story),
        tables_section(cycle, grade_source, d.by_year, d.this_cycle, story["findings"]),
        chart_section(d.by_year),
        moderation_section(cycle, d.figures),
        themes_section(d.themes, d.figures),
        *(
            [
                teams_section(
                    queries.grades_by_team(cycle, grade_source),
                    queries.actions_by_team(cycle, today=today),
                    grade_source,
                )
            ]
            if officers
            else []
        ),
        timeliness_section(cycle, d.figures, today),
        compliance_section(compliance, as_of=checked_on, ends_on=cycle.ends_on),
        actions_section(d.actions, d.recommendations),
        follow_up_section(queries.progress_since(cycle, today=today)),
        words_section("conclusion", "Conclusion", story["conclusion"]),
        implications_section(story),
        caveats_section(cycle, grade_source, d.figures, d.by_year, d.this_cycle),
        appendix_section(d.by_year, d.agreement),
        equalities_section(
            cycle_equalities(cycle, grade_source, as_of=checked_on), grade_source, as_of=checked_on
        ),
    ]
    return Paper(
        title=f"{audit_type_label(cycle.audit_type)}: {cycle.name}"
        + (" (officers' version)" if officers else ""),
        cycle_name=cycle.name,
        cycle_pk=cycle.pk,
        file_stem=paper_file_stem(cycle),
        issued_on=today,
        grade_source=grade_source,
        sections=sections,
        author=story["report_of"],
    )


__all__ = ["Recommendation", "build_paper_context", "paper_file_stem", "recommendations_for"]
