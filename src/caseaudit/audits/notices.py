"""What moderation tells the auditor: that an audit is returned, or its grade moderated. In the app the
line names the Child ID; the email never does. (The owners of an audit's actions hear of them from the
tracker, through `ActionBook.submitted`.)"""

from __future__ import annotations

from django.urls import reverse

from caseaudit.notifications.models import Kind
from caseaudit.notifications.notify import Message, notify

from .models import Audit, ModerationEvent


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
