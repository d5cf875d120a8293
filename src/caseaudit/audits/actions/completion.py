"""Completing an audit: start it, write each section, record the evidence sources, findings and actions,
the overall grade, and submit it for moderation.

Only the auditor the audit is allocated to may change it (`policy.COMPLETE_AUDIT`), and only in a state
that allows it (`completion.EDITABLE`). Every action checks everything it may refuse first, then claims the
audit's version, then changes it: a change made on a stale page raises EditConflict and changes nothing,
and a refusal leaves the caller's audit at the version it was. Drafts keep partial content: what a complete
audit needs is checked only on submission.

Each action records its change event. Evidence, analysis, answers, notes, findings and actions are free
text that may name the child, and the change history never does: an event says which texts changed,
never what they say."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.locking import claim_version
from caseaudit.policy import Actor

from ..action_book import action_book
from ..completion import (
    EDITABLE,
    NotTriangulated,
    action_owners,
    active_themes,
    is_triangulated,
    missing_for_submission,
    sections_of,
    tool_of,
)
from ..models import (
    Audit,
    AuditStatus,
    EvidenceUse,
    Finding,
    FindingKind,
    ModerationEvent,
    SectionResponse,
    Theme,
    ThemeKind,
)
from ..templates_store import default_template

TEXT_MAX = 20_000  # a section's evidence or analysis: pages of notes, not a book
ANSWER_MAX = 5_000
NOTE_MAX = 300
YES_NO = ("yes", "no")

M = TypeVar("M", bound=Model)


def _auditor(audit: Audit, acting_user: Actor, *, started: bool = True) -> User:
    """The allocated auditor, changing the audit in a state that allows it; refused otherwise."""
    policy.require(acting_user, policy.COMPLETE_AUDIT, audit)
    assert isinstance(acting_user, User)  # the command line never completes an audit
    if audit.status == AuditStatus.WITHDRAWN:
        # The case closed and the QA lead took the audit out of the cycle: there is nothing left to write.
        raise ValidationError(
            "This audit has been withdrawn because the case closed, so it cannot be changed."
        )
    if audit.status not in EDITABLE:
        raise ValidationError(
            f"This audit is {audit.get_status_display().lower()}, so it cannot be changed. If it needs more "
            "work, the moderator returns it to you."
        )
    if started and audit.status == AuditStatus.NOT_STARTED:
        raise ValidationError("Start the audit first.")
    return acting_user


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


def _changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, texts: tuple[str, ...] = (), keep: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values that changed from `before` to `after` (and `keep`, changed or not), as old and new. The
    `texts` are free text: the new values list which of them changed, never their words."""
    names = [
        name for name in after if name not in texts and (name == keep or before.get(name) != after[name])
    ]
    old = {name: before[name] for name in names if name in before}
    new: dict[str, Any] = {name: after[name] for name in names}
    changed = [name for name in texts if before.get(name, "") != after.get(name, "")]
    if changed:
        new["texts_changed"] = changed
    return old, new


def _values(record: Model, *names: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


# Starting -------------------------------------------------------------------------------------------------


@changes_state
def start_audit(audit: Audit, *, expected_version: int | None = None, acting_user: Actor) -> Audit:
    """Attach the cycle's tool (or the newest default tool of the cycle's kind) and its grade scale: the
    audit keeps that version from now on, whatever is loaded later. `expected_version` defaults to the
    version the caller holds."""
    _auditor(audit, acting_user, started=False)
    if audit.status != AuditStatus.NOT_STARTED:
        raise ValidationError("This audit has already been started.")
    cycle = audit.cycle
    template = (cycle and cycle.template) or default_template(cycle.audit_type if cycle else CASE_FILE)
    claim_version(audit, expected_version, thing="audit")
    audit.template = template
    audit.grade_scale = template.grade_scale
    audit.status = AuditStatus.IN_PROGRESS
    audit.started_at = timezone.now()
    audit.save(update_fields=["template", "grade_scale", "status", "started_at", "updated_at"])
    record_change(
        acting_user,
        "audit.started",
        audit,
        old={"status": AuditStatus.NOT_STARTED},
        new={"status": audit.status, "template": template.slug, "template_version": template.version},
    )
    return audit


# Sections -------------------------------------------------------------------------------------------------


@changes_state
def save_section(
    audit: Audit,
    section_slug: str,
    *,
    grade: str,
    evidence: str,
    analysis: str,
    answers: dict[str, str],
    expected_version: int,
    acting_user: Actor,
) -> SectionResponse:
    """Save what the auditor has written for one section, complete or not (a draft)."""
    _auditor(audit, acting_user)
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
    written = {
        "grade": grade,
        "evidence": _text(evidence, "Evidence"),
        "analysis": _text(analysis, "Analysis"),
    }
    claim_version(audit, expected_version, thing="audit")
    before = SectionResponse.objects.filter(audit=audit, section=section.slug).first()
    response, _ = SectionResponse.objects.update_or_create(
        audit=audit, section=section.slug, defaults={**written, "answers": clean}
    )
    was = {} if before is None else _section_values(before)
    now = _section_values(response)
    texts = ("evidence", "analysis", *(f"answers.{slug}" for slug in clean))
    old, new = _changes(was, now, texts=texts, keep="grade")
    record_change(acting_user, "section.saved", response, old=old, new=new)
    return response


def _section_values(response: SectionResponse) -> dict[str, Any]:
    values = _values(response, "section", "grade", "evidence", "analysis")
    return values | {f"answers.{slug}": answer for slug, answer in response.answers.items()}


# Evidence sources -----------------------------------------------------------------------------------------


@changes_state
def record_evidence(
    audit: Audit,
    source: str,
    *,
    used_on: date | None,
    note: str,
    expected_version: int,
    acting_user: Actor,
) -> EvidenceUse:
    """Record (or correct) when a source of evidence was used: the record review, an interview, ..."""
    _auditor(audit, acting_user)
    if source not in tool_of(audit).evidence_sources:
        raise ValidationError("Select a source of evidence from the list.")
    if used_on is None:
        raise ValidationError("Enter the date the source was used.")
    if used_on > timezone.localdate():
        raise ValidationError("The date the source was used must be today or in the past.")
    note = _text(note, "The note", NOTE_MAX)
    claim_version(audit, expected_version, thing="audit")
    before = EvidenceUse.objects.filter(audit=audit, source=source).first()
    use, _ = EvidenceUse.objects.update_or_create(
        audit=audit, source=source, defaults={"used_on": used_on, "note": note}
    )
    was = {} if before is None else {**_evidence_values(before), "note": before.note}
    old, new = _changes(was, {**_evidence_values(use), "note": use.note}, texts=("note",))
    record_change(acting_user, "evidence-source.set", use, old=old, new=new)
    return use


def _evidence_values(use: EvidenceUse) -> dict[str, Any]:
    return {"audit": use.audit_id, "source": use.source, "used_on": use.used_on}


@changes_state
def remove_evidence(audit: Audit, source: str, *, expected_version: int, acting_user: Actor) -> None:
    _remove(
        audit,
        EvidenceUse.objects.filter(audit=audit, source=source),
        event="evidence-source.removed",
        values=_evidence_values,
        missing="That source of evidence is not recorded on this audit.",
        expected_version=expected_version,
        acting_user=acting_user,
    )


def _remove(
    audit: Audit,
    items: QuerySet[M],
    *,
    event: str,
    values: Callable[[M], dict[str, Any]],
    missing: str,
    expected_version: int,
    acting_user: Actor,
) -> None:
    """Take something the auditor added off their audit, on the version they saw. The event keeps the
    `values` it had (its words, which may name the child, are left out of them)."""
    _auditor(audit, acting_user)
    item = items.first()
    if item is None:
        raise ValidationError(missing)
    claim_version(audit, expected_version, thing="audit")
    record_change(acting_user, event, item, old=values(item))
    item.delete()


# Overall grade --------------------------------------------------------------------------------------------


@changes_state
def save_overall(
    audit: Audit, *, grade: str, rationale: str, expected_version: int, acting_user: Actor
) -> Audit:
    """The overall grade and its rationale, as a draft: the auditor's grade is set only on submission."""
    _auditor(audit, acting_user)
    grade = _grade_on_scale(audit, grade)
    rationale = _text(rationale, "The rationale")
    claim_version(audit, expected_version, thing="audit")
    was = {"draft_grade": audit.draft_grade, "overall_rationale": audit.overall_rationale}
    audit.draft_grade = grade
    audit.overall_rationale = rationale
    audit.save(update_fields=["draft_grade", "overall_rationale", "updated_at"])
    old, new = _changes(
        was,
        _values(audit, "draft_grade", "overall_rationale"),
        texts=("overall_rationale",),
        keep="draft_grade",
    )
    record_change(acting_user, "audit.graded", audit, old=old, new=new)
    return audit


# Findings and actions -------------------------------------------------------------------------------------


@changes_state
def add_finding(
    audit: Audit, *, kind: str, theme: Theme | None, text: str, expected_version: int, acting_user: Actor
) -> Finding:
    _auditor(audit, acting_user)
    if kind not in FindingKind.values:
        raise ValidationError("Select whether the finding is a strength or an issue.")
    if theme is None or not active_themes().filter(pk=theme.pk).exists():
        raise ValidationError("Select a theme from the list.")
    if not theme.allows(kind):
        what = "areas for development" if theme.kind == ThemeKind.DEVELOPMENT else "strengths"
        raise ValidationError(
            {"theme": f"\u201c{theme.label}\u201d is a theme for {what} only: choose another theme"}
        )
    text = _text(text, "The finding")
    if not text:
        raise ValidationError("Describe the finding.")
    claim_version(audit, expected_version, thing="audit")
    finding = Finding.objects.create(audit=audit, kind=kind, theme=theme, text=text)
    record_change(acting_user, "finding.added", finding, new=_finding_values(finding))
    return finding


def _finding_values(finding: Finding) -> dict[str, Any]:
    return {"audit": finding.audit_id, "kind": finding.kind, "theme": finding.theme.slug}


@changes_state
def remove_finding(audit: Audit, finding_id: int, *, expected_version: int, acting_user: Actor) -> None:
    _remove(
        audit,
        Finding.objects.filter(audit=audit, pk=finding_id).select_related("theme"),
        event="finding.removed",
        values=_finding_values,
        missing="That finding is not on this audit.",
        expected_version=expected_version,
        acting_user=acting_user,
    )


@changes_state
def add_action(
    audit: Audit,
    *,
    description: str,
    owner: User | None,
    due_on: date | None,
    expected_version: int,
    acting_user: Actor,
) -> Model:
    """A per-case action, owned by a manager or worker of the case's team, for the actions tracker."""
    auditor = _auditor(audit, acting_user)
    description = _text(description, "The action")
    if not description:
        raise ValidationError("Describe the action.")
    if owner is None or not action_owners(audit).filter(pk=owner.pk).exists():
        raise ValidationError("Select an owner: an active team manager or social worker of the case's team.")
    if due_on is None:
        raise ValidationError("Enter the date the action is due.")
    if due_on < timezone.localdate():
        raise ValidationError("The date the action is due must be today or in the future.")
    claim_version(audit, expected_version, thing="audit")
    action = action_book().add(audit, description=description, owner=owner, due_on=due_on, created_by=auditor)
    record_change(acting_user, "action.added", action, new=_action_values(action))
    return action


def _action_values(action: Any) -> dict[str, Any]:
    return {
        "audit": action.audit_id,
        "case": action.case_id,
        "owner": action.owner_id,
        "due_on": action.due_on,
    }


@changes_state
def remove_action(audit: Audit, action_id: int, *, expected_version: int, acting_user: Actor) -> None:
    """Take back an action added by mistake, while the audit is still being written. An action of a returned
    audit that its owner has already worked on is theirs too: it is never deleted (the QA lead may cancel
    it, with a reason)."""
    _auditor(audit, acting_user)
    actions = action_book().of_audit(audit).filter(pk=action_id)
    if (action := actions.first()) is not None and action_book().worked_on(action):
        raise ValidationError(
            "Work has started on this action, so it cannot be removed: ask the QA lead to cancel it, with "
            "a reason."
        )
    _remove(
        audit,
        actions,
        event="action.removed",
        values=_action_values,
        missing="That action is not on this audit.",
        expected_version=expected_version,
        acting_user=acting_user,
    )


# Submitting -----------------------------------------------------------------------------------------------


@changes_state
def submit_audit(
    audit: Audit, *, confirm_not_triangulated: bool = False, expected_version: int, acting_user: Actor
) -> Audit:
    """Submit the audit for moderation, once it lacks nothing (`completion.parts_of`). An audit on the record
    alone is submitted only with the auditor's explicit confirmation, and is then flagged as not
    triangulated. A returned audit is submitted again the same way."""
    auditor = _auditor(audit, acting_user)
    missing = missing_for_submission(audit)
    if missing:
        raise ValidationError(missing)
    triangulated = is_triangulated(audit)
    if not triangulated and not confirm_not_triangulated:
        raise NotTriangulated
    claim_version(audit, expected_version, thing="audit")
    was = _values(audit, "status", "auditor_grade")
    first_submitted = audit.submitted_at  # before a return, if this is a resubmission
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
        audit=audit, kind=ModerationEvent.Kind.SUBMITTED, to_grade=audit.auditor_grade, by=auditor
    )
    record_change(
        acting_user,
        "audit.submitted",
        audit,
        old=was,
        new=_values(audit, "status", "auditor_grade", "not_triangulated"),
    )
    action_book().submitted(audit, since=first_submitted)
    return audit
