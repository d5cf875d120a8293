"""What planning tells auditors: the audits allocated to them, and an audit moved to or from them. In the
app the line may name the Child ID; the email never does."""

from __future__ import annotations

from django.urls import reverse

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.notifications.models import Kind
from caseaudit.notifications.notify import Message, notify

from .models import Cycle


def tell_allocated(cycle: Cycle, counts: dict[int, int]) -> None:
    """Each auditor once, with how many audits of the cycle they were given and the deadline."""
    deadline = f"{cycle.ends_on:%-d %B %Y}"
    for auditor in User.objects.filter(pk__in=counts):
        count = counts[auditor.pk]
        audits = f"{count} audit{'s' if count != 1 else ''}"
        notify(
            auditor,
            Message(
                kind=Kind.AUDIT_ALLOCATED,
                text=f"{cycle.name}: {audits} allocated to you, due by {deadline}.",
                link=reverse("audits:mine"),
                subject=f"{cycle.name}: {audits} allocated to you",
                body=f"{cycle.name}: {audits} allocated to you, to submit by {deadline}. See My audits:",
                about=cycle,
            ),
        )


def tell_reallocated(audit: Audit, *, from_auditor: User | None, to_auditor: User) -> None:
    due = f", due by {audit.cycle.ends_on:%-d %B %Y}" if audit.cycle else ""
    notify(
        to_auditor,
        Message(
            kind=Kind.AUDIT_ALLOCATED,
            text=f"The audit of {audit.case.child_id} is allocated to you{due}.",
            link=reverse("audits:detail", args=[audit.pk]),
            subject="An audit is allocated to you",
            body=f"An audit is allocated to you{due}. Open it here:",
            about=audit,
        ),
    )
    if from_auditor is not None and from_auditor != to_auditor:
        notify(
            from_auditor,
            Message(
                kind=Kind.AUDIT_ALLOCATED,
                text=f"The audit of {audit.case.child_id} is moved to another auditor.",
                link=reverse("audits:mine"),
                subject="An audit is moved to another auditor",
                body="One of the audits allocated to you is now another auditor's. See your audits:",
                about=audit,
            ),
        )
