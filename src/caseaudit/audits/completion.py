"""What a complete audit needs, and the queries its pages and actions share (issue 4, scope 2, 3 and 7).

The actions that change an audit live in `audits.actions.completion`; this module holds the rules they and
the pages both follow: which sections apply, when an audit can be changed, and, in `parts_of`, the one
definition of a finished part, which the task list's tags show and submission requires."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.core.audit_tools import AuditTool, Section, applicable_sections

from .models import Audit, AuditStatus, EvidenceSource, Respondent, SectionResponse, Theme
from .templates_store import tool_for

# How the task list names each source a tool may require.
REQUIRED_WORDS = {"record-review": "review of the case record", "observation": "observation of practice"}

# The states in which an audit can be changed: before it is submitted, and once moderation returns it.
EDITABLE = (AuditStatus.NOT_STARTED, AuditStatus.IN_PROGRESS, AuditStatus.RETURNED)


def being_written(audit: Audit) -> bool:
    """Started and not submitted (or returned for more work): the pages that change it are open."""
    return audit.status in EDITABLE and audit.status != AuditStatus.NOT_STARTED


def tool_of(audit: Audit) -> AuditTool:
    if audit.template is None:
        raise ValidationError("Start the audit first.")
    return tool_for(audit.template)


def sections_of(audit: Audit) -> list[Section]:
    """The sections this audit must complete: those of its template version that apply to its cohort."""
    return applicable_sections(tool_of(audit), audit.cohort)


def active_themes() -> QuerySet[Theme]:
    return Theme.objects.filter(active=True)


def case_action_owners(case: Case) -> QuerySet[User]:
    """Who may own an action about this child: the active people who own actions about a child, in the
    case's team, and the case's own worker and manager wherever they sit. The tracker asks the same when
    an action changes owner."""
    mine = Q(staff__isnull=False) & (Q(staff=case.worker_id) | Q(staff=case.manager_id))
    if case.team_id is not None:
        mine |= Q(staff__team_id=case.team_id)
    return (
        policy.holders(policy.OWN_CASE_ACTIONS)
        .filter(mine)
        .select_related("staff")
        .order_by("role", "staff__name", "username")
    )


def action_owners(audit: Audit) -> QuerySet[User]:
    """Who may own an action from this audit."""
    return case_action_owners(audit.case)


# What a complete audit needs -------------------------------------------------------------------------------


class Progress(StrEnum):
    """How far a part of the audit has got, in the words of the task list's status tags."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class Part:
    """A part of the audit that submission needs (a section, the evidence sources, the overall grade) and
    what it still lacks, in words that tell the auditor what to do. A part is complete when it lacks
    nothing."""

    task: str  # the page where it is done: "section", "evidence" or "overall"
    title: str
    started: bool
    lacking: tuple[str, ...] = ()
    section: str = ""  # a section's slug

    @property
    def complete(self) -> bool:
        return not self.lacking

    @property
    def progress(self) -> Progress:
        if self.complete:
            return Progress.COMPLETED
        return Progress.IN_PROGRESS if self.started else Progress.NOT_STARTED


def parts_of(audit: Audit) -> list[Part]:
    """Every part of the audit that submission needs, in the order of the task list: each section that
    applies, graded with evidence and analysis; then the evidence sources, which need the review of the
    case record; last the overall grade with its rationale. Findings and actions are never required."""
    tool = tool_of(audit)  # validated once: a tool is a page or two of YAML
    responses = {response.section: response for response in audit.sections.all()}
    sections = applicable_sections(tool, audit.cohort)
    parts = [_section_part(section, responses.get(section.slug)) for section in sections]
    sources = set(audit.evidence.values_list("source", flat=True))
    required = tool.required_evidence
    named = REQUIRED_WORDS.get(required, EvidenceSource(required).label)
    review = f"Record the {named} in the evidence sources"
    reviewed = required in sources
    parts.append(Part("evidence", "Evidence sources", bool(sources), () if reviewed else (review,)))
    grade, rationale = audit.draft_grade, audit.overall_rationale.strip()
    overall = (("Select the overall grade", grade), ("Explain the overall grade in the rationale", rationale))
    parts.append(Part("overall", "Overall grade", bool(grade or rationale), _lacking(overall)))
    return parts


def _section_part(section: Section, response: SectionResponse | None) -> Part:
    response = response or SectionResponse(section=section.slug)
    grade, evidence, analysis = response.grade, response.evidence.strip(), response.analysis.strip()
    needs = _lacking((("a grade", grade), ("the evidence", evidence), ("the analysis", analysis)))
    started = bool(grade or evidence or analysis or any(response.answers.values()))
    lacking = (f"{section.title}: add {_and(needs)}",) if needs else ()
    return Part("section", section.title, started, lacking, section.slug)


def _lacking(needs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(what for what, present in needs if not present)


def _and(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def missing_for_submission(audit: Audit) -> list[str]:
    """What stops the audit being submitted, in the order of the task list."""
    return [message for part in parts_of(audit) for message in part.lacking]


# Feedback a child, young person or carer gave through a feedback link (or on paper) is that source of
# evidence, whether or not the auditor also lists it: their voice is what triangulation asks for.
FEEDBACK_SOURCES: dict[str, str] = {
    Respondent.YOUNG_PERSON: EvidenceSource.CHILD_FEEDBACK,
    Respondent.CARER: EvidenceSource.CARER_FEEDBACK,
}


def evidence_sources(audit: Audit) -> set[str]:
    """Every source of evidence the audit rests on: those the auditor recorded, and the feedback given."""
    sources = set(audit.evidence.values_list("source", flat=True))
    sources.update(FEEDBACK_SOURCES[r] for r in audit.feedback.values_list("respondent", flat=True))
    return sources


def is_triangulated(audit: Audit) -> bool:
    """Built on more than one source: at least one besides the one its tool requires (the record review,
    or the observation)."""
    return bool(evidence_sources(audit) - {tool_of(audit).required_evidence})


def single_source(audit: Audit) -> str:
    """The source an audit rests on alone when it is not triangulated, in words: "the case record"."""
    return "the observation" if tool_of(audit).required_evidence == "observation" else "the case record"


class NotTriangulated(ValidationError):
    """Raised when the audit rests on the record alone and the auditor has not confirmed it."""

    MESSAGE = (
        "Only one source of evidence was used. Record another, or confirm that the audit is "
        "submitted without triangulation."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE, code="not-triangulated")
