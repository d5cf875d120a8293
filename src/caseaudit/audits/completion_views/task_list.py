"""The audit's own page: for its auditor, the offer to start it, then the task list; for everyone else who
may see it, the audit read-only (a draft only to the QA team)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.action_book import action_book
from caseaudit.locking import EditConflict
from caseaudit.ui.submission import CONFLICT_STATUS

from .. import completion
from ..actions.completion import start_audit
from ..models import Audit, AuditStatus, PracticeFeedback
from ..moderation_outcome import latest_return, outcome
from ..scoping import readable_feedback
from .shared import audit_to_change, page_context, part_url, visible_audit
from .summary import summary


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_http_methods(["GET", "HEAD"])
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = visible_audit(request, pk)
    return _page(request, user, audit)


@policy.capability_required(policy.READ_CHILD_RECORDS)
@require_POST
def audit_start(request: HttpRequest, pk: int) -> HttpResponse:
    user, audit = audit_to_change(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _page(
            request, user, audit, ["The page is missing the audit's version: reload it and try again."], 400
        )
    try:
        start_audit(audit, expected_version=version, acting_user=user)
    except EditConflict as conflict:
        problems, status = [str(conflict)], CONFLICT_STATUS
    except ValidationError as refusal:
        problems, status = refusal.messages, 400
    else:
        return redirect("audits:detail", audit.pk)
    return _page(request, user, audit, problems, status)


def _page(
    request: HttpRequest, user: User, audit: Audit, start_errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    # Each page of the audit shown is one read of the child's record, a refused start's page too.
    record_access(user, "view", "audit", audit.pk)
    is_auditor = policy.can(user, policy.COMPLETE_AUDIT, audit)
    submitted = audit.status in (AuditStatus.SUBMITTED, AuditStatus.MODERATED)
    shows_content = submitted or policy.can(user, policy.READ_AUDIT_DRAFTS, audit)
    context = page_context(
        audit,
        user,
        is_auditor=is_auditor,
        can_start=is_auditor and audit.status == AuditStatus.NOT_STARTED,
        shows_content=shows_content,
        start_errors=start_errors or [],
        # Beside the tool, never behind it: a concern goes to the manager at once
        # (docs/domain.md#safeguarding-concern).
        may_raise_concern=policy.can(user, policy.RAISE_CONCERN, audit),
        may_gather_feedback=policy.can(user, policy.GATHER_FEEDBACK, audit),
        # The hand-overs of moderation: a return's comments to the auditor working on them, and, once the
        # audit is moderated, both grades and the reason for a change to everyone who may read it.
        returned=latest_return(audit) if shows_content else None,
        outcome=outcome(audit) if shows_content else None,
        # Why the audit stopped, on its own page as on the cycle's.
        withdrawal=getattr(audit, "withdrawal", None) if audit.status == AuditStatus.WITHDRAWN else None,
    )
    if context["editable"]:
        context |= _task_list(audit)
    elif shows_content:
        context["summary"] = summary(audit)
        context["practice_feedback"] = readable_feedback(user, audit)
    return render(request, "audits/detail.html", context, status=status)


def _task_list(audit: Audit) -> dict[str, Any]:
    """The tasks, each with its status tag. A part's tag says what `completion.parts_of` says of it, which
    is what submission requires; findings and actions, never required, are counted instead."""
    *sections, evidence, overall = parts = completion.parts_of(audit)
    to_do = sum(len(part.lacking) for part in parts)
    findings, actions = audit.findings.count(), action_book().of_audit(audit).count()
    return {
        "completed_sections": sum(part.complete for part in sections),
        "section_tasks": [_task(audit, f"section-{part.section}", part) for part in sections],
        "other_tasks": [
            _task(audit, "evidence", evidence, hint="The record review, and who you spoke to"),
            {
                "id": "findings",
                "name": "Findings and actions",
                "hint": "Strengths, issues and actions for this case",
                "href": reverse("audits:findings", args=[audit.pk]),
                "status": f"{findings} finding{pluralize(findings)}, {actions} action{pluralize(actions)}"
                if findings or actions
                else completion.Progress.NOT_STARTED,
            },
            _task(audit, "overall", overall),
            {
                "id": "practice-feedback",
                "name": "Feedback to the worker and manager",
                "hint": "What went well and what to do next, sent when the audit is moderated",
                "href": reverse("audits:practice-feedback", args=[audit.pk]),
                "status": "Written" if PracticeFeedback.objects.filter(audit=audit).exists() else "Optional",
            },
            {
                "id": "submit",
                "name": "Check and submit",
                "hint": f"{to_do} thing{pluralize(to_do)} to complete first" if to_do else "",
                "href": reverse("audits:submit", args=[audit.pk]),
                "status": "Cannot start yet" if to_do else completion.Progress.NOT_STARTED,
            },
        ],
    }


def _task(audit: Audit, task_id: str, part: completion.Part, *, hint: str = "") -> dict[str, str]:
    """A part of the audit as a task of audits/includes/task_list.html."""
    return {
        "id": task_id,
        "name": part.title,
        "hint": hint,
        "href": part_url(audit, part),
        "status": part.progress,
    }
