"""What moderation tells the auditor: that an audit is returned, or its grade moderated. In the app the
line names the Child ID; the email never does. (The owners of an audit's actions hear of them from the
tracker, through `ActionBook.submitted`.)"""

from __future__ import annotations

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.notifications.models import Kind
from caseaudit.notifications.notify import Message, notify, notify_each

from .models import Audit, ModerationEvent, PracticeFeedback


def _audit_link(audit: Audit) -> str:
    return reverse("audits:detail", args=[audit.pk])


def tell_returned(audit: Audit) -> None:
    if audit.auditor is None:
        return
    notify(
        audit.auditor,
        Message(
            kind=Kind.AUDIT_RETURNED,
            text=f"Your audit of {audit.case.child_id} is returned: read the moderator's comments.",
            link=_audit_link(audit),
            subject="An audit is returned to you",
            body="A moderator has returned one of your audits with comments. Read them and submit it again:",
            about=audit,
        ),
    )


def tell_moderated(audit: Audit, decision: ModerationEvent) -> None:
    if audit.auditor is None or audit.auditor == decision.by:
        return
    changed = decision.kind == ModerationEvent.Kind.CHANGED
    what = "changed its grade" if changed else "agreed its grade"
    notify(
        audit.auditor,
        Message(
            kind=Kind.GRADE_MODERATED,
            text=f"Your audit of {audit.case.child_id} is moderated: the moderator {what}.",
            link=_audit_link(audit),
            subject="Your audit is moderated",
            body=f"A moderator has {what} in one of your audits. Read the moderation:",
            about=audit,
        ),
    )


def feedback_readers(audit: Audit) -> list[User]:
    """Who is sent an audit's feedback: the case's allocated worker and its manager, where they have
    accounts; with no manager named on the case, its team's managers."""
    case = audit.case
    active = User.objects.filter(is_active=True)
    people = list(active.filter(staff=case.worker_id)) if case.worker_id else []
    if case.manager_id:
        people += active.filter(staff=case.manager_id)
    elif case.team_id:
        people += policy.holders(policy.READ_TEAM_RECORDS).filter(staff__team=case.team_id)
    return list({person.pk: person for person in people}.values())


def tell_feedback_sent(audit: Audit) -> int:
    """Tell the worker and manager that the auditor's feedback is there to read; how many were told."""
    readers = feedback_readers(audit)
    notify_each(
        readers,
        Message(
            kind=Kind.PRACTICE_FEEDBACK,
            text=f"The audit of {audit.case.child_id} has feedback for you: what went well, what to do next.",
            link=reverse("audits:practice-feedback", args=[audit.pk]),
            subject="Feedback from an audit of your case",
            body="An auditor has written feedback on a case you work on or manage. Read it, and if it is "
            "your case, acknowledge it:",
            about=audit,
        ),
    )
    return len(readers)


def tell_feedback_acknowledged(feedback: PracticeFeedback) -> None:
    audit = feedback.audit
    if audit.auditor is None or not audit.auditor.is_active:
        return
    notify(
        audit.auditor,
        Message(
            kind=Kind.PRACTICE_FEEDBACK,
            text=f"Your feedback on the audit of {audit.case.child_id} is acknowledged by the worker.",
            link=reverse("audits:practice-feedback", args=[audit.pk]),
            subject="Your feedback is acknowledged",
            body="The worker has acknowledged the feedback you wrote in one of your audits. Read it:",
            about=audit,
        ),
    )
