"""What moderation hands to the people who act next: to the auditor, the comments of a return (who returned
the audit, when, and what more work is needed); to the auditor and the case's team, once the audit is
moderated, the auditor's grade beside the moderated grade, and the moderator's reason when they differ.

Read from the audit's ModerationEvents (the decisions are `actions.moderation`). Nothing here decides who
may see an audit: the pages read audits through `audits_visible_to`, and a moderated grade exists only
once an audit is moderated, so no one sees one before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import Audit, AuditStatus, ModerationEvent

Kind = ModerationEvent.Kind
DECISIONS = (Kind.AGREED, Kind.CHANGED)


def _name(event: ModerationEvent) -> str:
    return (event.by.get_full_name() or event.by.username) if event.by else "A moderator no longer recorded"


@dataclass(frozen=True)
class Returned:
    """A return to the auditor: the moderator's comments, who made it and when."""

    by: str
    at: datetime
    comments: str


@dataclass(frozen=True)
class Outcome:
    """A moderated audit's grades, as labels, and the moderator's latest decision."""

    auditor_grade: str
    moderated_grade: str
    changed: bool  # the moderated grade differs from the auditor's
    reason: str  # the moderator's reason for the latest change of grade ("" when agreed)
    by: str
    at: datetime


def _returned(event: ModerationEvent) -> Returned:
    return Returned(by=_name(event), at=event.at, comments=event.comments)


def latest_return(audit: Audit) -> Returned | None:
    """The comments the auditor is working on: those of the latest return, while the audit is returned."""
    if audit.status != AuditStatus.RETURNED:
        return None
    event = (
        audit.moderation_events.filter(kind=Kind.RETURNED).select_related("by").order_by("-at", "-pk").first()
    )
    return _returned(event) if event else None


def latest_returns(audits: Iterable[Audit]) -> dict[int, Returned]:
    """`latest_return` of each returned audit among `audits`, by audit id, in one query (My audits)."""
    returned = [audit.pk for audit in audits if audit.status == AuditStatus.RETURNED]
    events = (
        ModerationEvent.objects.filter(audit_id__in=returned, kind=Kind.RETURNED)
        .select_related("by")
        .order_by("audit_id", "at", "pk")
    )
    # Later events overwrite earlier ones: the latest return of each audit is kept.
    return {event.audit_id: _returned(event) for event in events}


def returns_before(audit: Audit) -> list[Returned]:
    """Every return of the audit, oldest first: its history, for those who read the submitted audit."""
    events = audit.moderation_events.filter(kind=Kind.RETURNED).select_related("by")
    return [_returned(event) for event in events]


def outcome(audit: Audit) -> Outcome | None:
    """The grades of a moderated audit and the latest decision on them; None before it is moderated."""
    if audit.status != AuditStatus.MODERATED or not audit.moderated_grade:
        return None
    decision = (
        audit.moderation_events.filter(kind__in=DECISIONS).select_related("by").order_by("-at", "-pk").first()
    )
    scale = audit.grade_scale
    label = scale.label if scale is not None else (lambda slug: slug)
    changed = audit.moderated_grade != audit.auditor_grade
    return Outcome(
        auditor_grade=label(audit.auditor_grade) if audit.auditor_grade else "",
        moderated_grade=label(audit.moderated_grade),
        changed=changed,
        reason=decision.comments if decision and decision.kind == Kind.CHANGED else "",
        by=_name(decision) if decision else "",
        at=decision.at if decision else audit.updated_at,
    )
