"""The auditor's draft as the API and `caseaudit draft` give it: one shape, read from the audit form's own
parts, so that the two say the same of what is written and what submission still lacks."""

from __future__ import annotations

from typing import Any

from caseaudit import policy
from caseaudit.accounts.models import User

from . import completion
from .models import Audit

DRAFT_IS_THE_AUDITORS = "Only the audit's auditor, or the QA team, may read its draft."


def may_read_draft(user: User, audit: Audit) -> bool:
    """The draft is its auditor's, and the QA team's: the audited team reads the audit once submitted."""
    return policy.can(user, policy.COMPLETE_AUDIT, audit) or policy.can(user, policy.READ_AUDIT_DRAFTS)


def as_written(audit: Audit) -> dict[str, Any]:
    """The draft as its auditor left it, read afresh: every section with its questions and what is
    written, the evidence used, the overall grade, findings, actions, and what submission still lacks."""
    audit.refresh_from_db()
    if audit.template is None:  # not started: the tool is chosen when the auditor starts
        return {
            "id": audit.pk,
            "status": audit.status,
            "version": audit.version,
            "sections": [],
            "evidence": [],
            "overall": {"grade": "", "rationale": ""},
            "findings": [],
            "actions": [],
            "lacking": {"The audit": ["Start the audit first"]},
        }
    responses = {response.section: response for response in audit.sections.all()}
    parts = completion.parts_of(audit)
    return {
        "id": audit.pk,
        "status": audit.status,
        "version": audit.version,
        "sections": [
            {
                "slug": section.slug,
                "title": section.title,
                "questions": [{"slug": q.slug, "text": q.text, "kind": q.kind} for q in section.questions],
                "grade": getattr(responses.get(section.slug), "grade", ""),
                "evidence": getattr(responses.get(section.slug), "evidence", ""),
                "analysis": getattr(responses.get(section.slug), "analysis", ""),
                "answers": getattr(responses.get(section.slug), "answers", {}) or {},
            }
            for section in completion.sections_of(audit)
        ],
        "evidence": [
            {"source": use.source, "used_on": use.used_on, "note": use.note} for use in audit.evidence.all()
        ],
        "overall": {"grade": audit.draft_grade, "rationale": audit.overall_rationale},
        "findings": [
            {"id": f.pk, "kind": f.kind, "theme": f.theme.slug, "text": f.text}
            for f in audit.findings.select_related("theme")
        ],
        "actions": [action_of(a) for a in audit.actions.select_related("owner")],
        # What submission still needs, part by part, in the form's words.
        "lacking": {part.title: list(part.lacking) for part in parts if part.lacking},
    }


def action_of(action: Any) -> dict[str, Any]:
    owner = action.owner.username if action.owner else None
    return {"id": action.pk, "description": action.description, "owner": owner, "due_on": action.due_on}
