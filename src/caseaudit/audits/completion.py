"""Completing an audit: start it, fill in each section, record the evidence sources, findings and actions,
the overall grade, and submit it for moderation (issue 4, scope 2, 3 and 7).

Every function here is an action (CONTRIBUTING.md, convention 3): it checks that the acting user is the
allocated auditor, runs in one transaction, claims the audit's version first (so a change made on a stale
page raises EditConflict and changes nothing) and writes the access log. Drafts keep partial content: the
rules of a complete audit are checked only by `submit_audit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.core.audit_tools import REQUIRED_EVIDENCE_SOURCE, AuditTool, Section, applicable_sections
from caseaudit.cycles.models import CycleStatus
from caseaudit.improvement.models import Action

from .locking import claim_version
from .models import (
    Audit,
    AuditStatus,
    EvidenceSource,
    EvidenceUse,
    Finding,
    FindingKind,
    ModerationEvent,
    SectionResponse,
    Theme,
)
from .templates_store import default_template, tool_for

EDITABLE = (AuditStatus.NOT_STARTED, AuditStatus.IN_PROGRESS, AuditStatus.RETURNED)
TEXT_MAX = 20_000  # a section's evidence or analysis: pages of notes, not a book
ANSWER_MAX = 5_000
NOTE_MAX = 300
YES_NO = ("yes", "no")


def is_allocated_auditor(audit: Audit, user: object) -> bool:
    """The one person who may change the audit: its auditor, in a confirmed cycle."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.AUDITOR
        and audit.auditor_id == user.pk
        and audit.cycle_id is not None
        and audit.cycle is not None
        and audit.cycle.status != CycleStatus.DRAFT
    )


def can_edit(audit: Audit, user: object) -> bool:
    return is_allocated_auditor(audit, user) and audit.status in EDITABLE


def _require_auditor(audit: Audit, user: User, *, started: bool = True) -> None:
    if not is_allocated_auditor(audit, user):
        raise PermissionDenied("Only the auditor the audit is allocated to may change it.")
    if audit.status not in EDITABLE:
        raise ValidationError(
            f"This audit is {audit.get_status_display().lower()}, so it cannot be changed. If it needs more "
            "work, the moderator returns it to you."
        )
    if started and audit.status == AuditStatus.NOT_STARTED:
        raise ValidationError("Start the audit first.")


def tool_of(audit: Audit) -> AuditTool:
    if audit.template is None:
        raise ValidationError("Start the audit first.")
    return tool_for(audit.template)


def sections_of(audit: Audit) -> list[Section]:
    """The sections this audit must complete: those of its template version that apply to its cohort."""
    return applicable_sections(tool_of(audit), audit.cohort)


def _grade_on_scale(audit: Audit, grade: str) -> str:
    grade = (grade or "").strip()
    if grade and (audit.grade_scale is None or grade not in audit.grade_scale.slugs):
        raise ValidationError(f"{grade!r} is not a grade on this audit's scale.")
    return grade


def _text(value: str | None, what: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{what} must be {limit:,} characters or fewer.")
    return value


# Starting -------------------------------------------------------------------------------------------------


def start_audit(audit: Audit, *, expected_version: int | None = None, acting_user: User) -> Audit:
    """Attach the newest default template and its grade scale: the audit keeps that version from now on,
    whatever is loaded later. `expected_version` defaults to the version the caller holds."""
    _require_auditor(audit, acting_user, started=False)
    if audit.status != AuditStatus.NOT_STARTED:
        raise ValidationError("This audit has already been started.")
    template = default_template()
    with transaction.atomic():
        claim_version(audit, audit.version if expected_version is None else expected_version)
        audit.template = template
        audit.grade_scale = template.grade_scale
        audit.status = AuditStatus.IN_PROGRESS
        audit.started_at = timezone.now()
        audit.save(update_fields=["template", "grade_scale", "status", "started_at", "updated_at"])
        record_access(acting_user, "update", "audit", audit.pk, f"started on {template}")
    return audit


# Sections -------------------------------------------------------------------------------------------------


def save_section(
    audit: Audit,
    section_slug: str,
    *,
    grade: str,
    evidence: str,
    analysis: str,
    answers: dict[str, str],
    expected_version: int,
    acting_user: User,
) -> SectionResponse:
    """Save what the auditor has written for one section, complete or not (a draft)."""
    _require_auditor(audit, acting_user)
    section = next((s for s in sections_of(audit) if s.slug == section_slug), None)
    if section is None:
        raise ValidationError("This section is not part of the audit of this case.")
    grade = _grade_on_scale(audit, grade)
    kinds = {q.slug: q.kind for q in section.questions}
    unknown = sorted(set(answers) - set(kinds))
    if unknown:
        raise ValidationError(f"These questions are not in the section: {', '.join(unknown)}.")
    clean: dict[str, str] = {}
    for question in section.questions:
        value = _text(answers.get(question.slug), f"The answer to {question.text!r}", ANSWER_MAX)
        if value and kinds[question.slug] == "yes-no" and value not in YES_NO:
            raise ValidationError(f"Answer {question.text!r} with yes or no.")
        clean[question.slug] = value
    with transaction.atomic():
        claim_version(audit, expected_version)
        response, _ = SectionResponse.objects.update_or_create(
            audit=audit,
            section=section.slug,
            defaults={
                "grade": grade,
                "evidence": _text(evidence, "Evidence"),
                "analysis": _text(analysis, "Analysis"),
                "answers": clean,
            },
        )
        record_access(acting_user, "update", "audit", audit.pk, f"section {section.slug}")
    return response


# Evidence sources -----------------------------------------------------------------------------------------


def record_evidence(
    audit: Audit,
    source: str,
    *,
    used_on: date | None,
    note: str,
    expected_version: int,
    acting_user: User,
) -> EvidenceUse:
    """Record (or correct) when a source of evidence was used: the record review, an interview, ..."""
    _require_auditor(audit, acting_user)
    if source not in tool_of(audit).evidence_sources:
        raise ValidationError("Select a source of evidence from the list.")
    if used_on is None:
        raise ValidationError("Enter the date the source was used.")
    if used_on > timezone.localdate():
        raise ValidationError("The date the source was used must be today or in the past.")
    with transaction.atomic():
        claim_version(audit, expected_version)
        use, _ = EvidenceUse.objects.update_or_create(
            audit=audit,
            source=source,
            defaults={"used_on": used_on, "note": _text(note, "The note", NOTE_MAX)},
        )
        record_access(acting_user, "update", "audit", audit.pk, f"evidence {source}")
    return use


def remove_evidence(audit: Audit, source: str, *, expected_version: int, acting_user: User) -> None:
    _remove(
        audit,
        EvidenceUse.objects.filter(audit=audit, source=source),
        missing="That source of evidence is not recorded on this audit.",
        logged=f"evidence {source} removed",
        expected_version=expected_version,
        acting_user=acting_user,
    )


def _remove(
    audit: Audit,
    items: QuerySet[Any],
    *,
    missing: str,
    logged: str,
    expected_version: int,
    acting_user: User,
) -> None:
    """Take something the auditor added off their audit, on the version they saw."""
    _require_auditor(audit, acting_user)
    with transaction.atomic():
        claim_version(audit, expected_version)
        deleted, _ = items.delete()
        if not deleted:
            raise ValidationError(missing)
        record_access(acting_user, "update", "audit", audit.pk, logged)


# Overall grade --------------------------------------------------------------------------------------------


def save_overall(
    audit: Audit, *, grade: str, rationale: str, expected_version: int, acting_user: User
) -> Audit:
    """The overall grade and its rationale, as a draft: the auditor's grade is set only on submission."""
    _require_auditor(audit, acting_user)
    grade = _grade_on_scale(audit, grade)
    rationale = _text(rationale, "The rationale")
    with transaction.atomic():
        claim_version(audit, expected_version)
        audit.draft_grade = grade
        audit.overall_rationale = rationale
        audit.save(update_fields=["draft_grade", "overall_rationale", "updated_at"])
        record_access(acting_user, "update", "audit", audit.pk, "overall grade")
    return audit


# Findings and actions -------------------------------------------------------------------------------------


def active_themes() -> QuerySet[Theme]:
    return Theme.objects.filter(active=True)


def add_finding(
    audit: Audit, *, kind: str, theme: Theme | None, text: str, expected_version: int, acting_user: User
) -> Finding:
    _require_auditor(audit, acting_user)
    if kind not in FindingKind.values:
        raise ValidationError("Select whether the finding is a strength or an issue.")
    if theme is None or not active_themes().filter(pk=theme.pk).exists():
        raise ValidationError("Select a theme from the list.")
    text = _text(text, "The finding")
    if not text:
        raise ValidationError("Describe the finding.")
    with transaction.atomic():
        claim_version(audit, expected_version)
        finding = Finding.objects.create(audit=audit, kind=kind, theme=theme, text=text)
        record_access(acting_user, "create", "finding", finding.pk, f"audit {audit.pk}")
    return finding


def remove_finding(audit: Audit, finding_id: int, *, expected_version: int, acting_user: User) -> None:
    _remove(
        audit,
        Finding.objects.filter(audit=audit, pk=finding_id),
        missing="That finding is not on this audit.",
        logged=f"finding {finding_id} removed",
        expected_version=expected_version,
        acting_user=acting_user,
    )


def action_owners(audit: Audit) -> QuerySet[User]:
    """Who may own an action from this audit: the active team managers and social workers of the case's
    team, and the case's own worker and manager wherever they sit."""
    case = audit.case
    mine = Q(staff__isnull=False) & (Q(staff=case.worker_id) | Q(staff=case.manager_id))
    if case.team_id is not None:
        mine |= Q(staff__team_id=case.team_id)
    return (
        User.objects.filter(is_active=True, role__in=(Role.TEAM_MANAGER, Role.SOCIAL_WORKER))
        .filter(mine)
        .select_related("staff")
        .order_by("role", "staff__name", "username")
    )


def add_action(
    audit: Audit,
    *,
    description: str,
    owner: User | None,
    due_on: date | None,
    expected_version: int,
    acting_user: User,
) -> Action:
    """A per-case action, owned by a manager or worker of the case's team, for the actions tracker."""
    _require_auditor(audit, acting_user)
    description = _text(description, "The action")
    if not description:
        raise ValidationError("Describe the action.")
    if owner is None or not action_owners(audit).filter(pk=owner.pk).exists():
        raise ValidationError("Select an owner: an active team manager or social worker of the case's team.")
    if due_on is None:
        raise ValidationError("Enter the date the action is due.")
    if due_on < timezone.localdate():
        raise ValidationError("The date the action is due must be today or in the future.")
    with transaction.atomic():
        claim_version(audit, expected_version)
        action = Action.objects.create(
            audit=audit,
            case=audit.case,
            team=audit.case.team,
            description=description,
            owner=owner,
            due_on=due_on,
            created_by=acting_user,
        )
        record_access(acting_user, "create", "action", action.pk, f"audit {audit.pk}")
    return action


def remove_action(audit: Audit, action_id: int, *, expected_version: int, acting_user: User) -> None:
    """Take back an action added by mistake, while the audit is still being written."""
    _remove(
        audit,
        Action.objects.filter(audit=audit, pk=action_id),
        missing="That action is not on this audit.",
        logged=f"action {action_id} removed",
        expected_version=expected_version,
        acting_user=acting_user,
    )


# Submitting -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """Something a submission still needs, and the task (page) where the auditor puts it right."""

    message: str
    task: str  # "section", "evidence" or "overall"
    section: str = ""


def missing_for_submission(audit: Audit) -> list[Missing]:
    """What stops the audit being submitted, in the order of the task list."""
    missing: list[Missing] = []
    responses = {r.section: r for r in audit.sections.all()}
    for section in sections_of(audit):
        response = responses.get(section.slug)
        if response is None or not response.is_complete:
            lacking = [
                what
                for what, present in (
                    ("a grade", response is not None and response.grade),
                    ("the evidence", response is not None and response.evidence.strip()),
                    ("the analysis", response is not None and response.analysis.strip()),
                )
                if not present
            ]
            missing.append(Missing(f"{section.title}: add {_and(lacking)}", "section", section.slug))
    sources = set(audit.evidence.values_list("source", flat=True))
    if REQUIRED_EVIDENCE_SOURCE not in sources:
        missing.append(Missing("Record the review of the case record in the evidence sources", "evidence"))
    if not audit.draft_grade:
        missing.append(Missing("Select the overall grade", "overall"))
    if not audit.overall_rationale.strip():
        missing.append(Missing("Explain the overall grade in the rationale", "overall"))
    return missing


def is_triangulated(audit: Audit) -> bool:
    """Built on more than the record: at least one source besides the record review."""
    return audit.evidence.exclude(source=EvidenceSource.RECORD_REVIEW).exists()


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class NotTriangulated(ValidationError):
    """Raised when the audit rests on the record alone and the auditor has not confirmed it."""


def submit_audit(
    audit: Audit, *, confirm_not_triangulated: bool = False, expected_version: int, acting_user: User
) -> Audit:
    """Submit the audit for moderation: every applicable section graded with evidence and analysis, an
    overall grade and rationale, and a record review. An audit on the record alone is submitted only with
    the auditor's explicit confirmation, and is then flagged as not triangulated. A returned audit is
    submitted again the same way."""
    _require_auditor(audit, acting_user)
    missing = missing_for_submission(audit)
    if missing:
        raise ValidationError([m.message for m in missing])
    triangulated = is_triangulated(audit)
    if not triangulated and not confirm_not_triangulated:
        raise NotTriangulated(
            "Only the case record was used. Record another source of evidence, or confirm that the audit "
            "is submitted without triangulation."
        )
    with transaction.atomic():
        claim_version(audit, expected_version)
        audit.not_triangulated = not triangulated
        audit.auditor_grade = audit.draft_grade
        audit.status = AuditStatus.SUBMITTED
        audit.submitted_at = timezone.now()
        audit.completed_on = timezone.localdate()
        audit.save(
            update_fields=[
                "not_triangulated",
                "status",
                "submitted_at",
                "completed_on",
                "auditor_grade",
                "updated_at",
            ]
        )
        ModerationEvent.objects.create(
            audit=audit, kind=ModerationEvent.Kind.SUBMITTED, to_grade=audit.auditor_grade, by=acting_user
        )
        record_access(
            acting_user,
            "update",
            "audit",
            audit.pk,
            f"submitted, grade {audit.auditor_grade}" + (", not triangulated" if not triangulated else ""),
        )
    return audit
