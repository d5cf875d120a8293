"""Moderation's decisions: agree a submitted audit's grade, change it with a reason, or return the audit to
the auditor with comments. Each is a ModerationEvent in the audit's own history, and a change event.

Only the QA lead and moderators decide, never on an audit they wrote (`policy.MODERATE`). Each decision
claims the audit's version first: a decision made on a stale page is refused with EditConflict and
overwrites nothing. The change events record grades and statuses, never the reason or the comments,
which are free text that may name the child: they stay in the moderation event the change event names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.locking import claim_version
from caseaudit.policy import Actor

from ..models import Audit, AuditStatus, ModerationEvent, PracticeFeedback
from ..moderation import AGREE_FROM, CHANGE_FROM, COMMENTS_MAX_LENGTH, RETURN_FROM
from ..notices import tell_moderated, tell_returned
from .practice_feedback import send_practice_feedback

Kind = ModerationEvent.Kind


@changes_state
def agree_grade(audit: Audit, *, expected_version: int, acting_user: Actor) -> ModerationEvent:
    """The moderator agrees the auditor's grade: it becomes the moderated grade."""
    moderator = _moderator(audit, acting_user)
    with _claimed(audit, expected_version):
        before = _state(audit)
        _require_status(audit, AGREE_FROM, doing="agree its grade")
        if not audit.auditor_grade:
            raise ValidationError("This audit has no grade from the auditor to agree.")
        audit.moderated_grade = audit.auditor_grade
        audit.status = AuditStatus.MODERATED
        decision = ModerationEvent(
            kind=Kind.AGREED, from_grade=audit.auditor_grade, to_grade=audit.auditor_grade
        )
        moderated = _decided(audit, decision, before, moderator, "audit.moderated")
        tell_moderated(audit, moderated)
        _send_feedback(audit, moderator)
        return moderated


@changes_state
def change_grade(
    audit: Audit, *, grade: str, reason: str, expected_version: int, acting_user: Actor
) -> ModerationEvent:
    """The moderator gives a different grade, with a reason. A moderated audit may be moderated again
    (the QA lead overruling a moderator, say): the event then records the change from the previous
    moderated grade, and the grade may go back to the auditor's."""
    moderator = _moderator(audit, acting_user)
    reason = _comments(reason, empty="Enter the reason for changing the grade.", what="The reason")
    with _claimed(audit, expected_version):
        before = _state(audit)
        _require_status(audit, CHANGE_FROM, doing="change its grade")
        scale = audit.grade_scale
        if scale is None:
            raise ValidationError("This audit has no grade scale, so its grade cannot be changed here.")
        if grade not in scale.slugs:
            raise ValidationError(f"Select a grade on the {scale.name}.")
        remoderating = audit.status == AuditStatus.MODERATED
        previous = audit.moderated_grade if remoderating else audit.auditor_grade
        if grade == previous:
            raise ValidationError(
                f"The grade is already {scale.label(grade)}. "
                + ("Select a different grade." if remoderating else "To keep it, agree the grade instead.")
            )
        audit.moderated_grade = grade
        audit.status = AuditStatus.MODERATED
        decision = ModerationEvent(kind=Kind.CHANGED, from_grade=previous, to_grade=grade, comments=reason)
        moderated = _decided(audit, decision, before, moderator, "audit.moderated")
        tell_moderated(audit, moderated)
        _send_feedback(audit, moderator)
        return moderated


@changes_state
def return_audit(
    audit: Audit, *, comments: str, expected_version: int, acting_user: Actor
) -> ModerationEvent:
    """The moderator sends a submitted audit back to the auditor for more work, saying what is needed.
    The auditor then edits and submits it again, which records a new "submitted" event."""
    moderator = _moderator(audit, acting_user)
    comments = _comments(
        comments, empty="Enter comments for the auditor: say what more work is needed.", what="The comments"
    )
    with _claimed(audit, expected_version):
        before = _state(audit)
        _require_status(audit, RETURN_FROM, doing="return it")
        audit.status = AuditStatus.RETURNED
        decision = ModerationEvent(
            kind=Kind.RETURNED,
            from_grade=audit.auditor_grade,
            to_grade=audit.auditor_grade,
            comments=comments,
        )
        returned = _decided(audit, decision, before, moderator, "audit.returned")
        tell_returned(audit)
        return returned


@changes_state
def decide(
    audit: Audit,
    decision: str,
    *,
    grade: str = "",
    reason: str = "",
    comments: str = "",
    expected_version: int,
    acting_user: Actor,
) -> ModerationEvent:
    """One of the three decisions by its name, as the moderation page, the API and `caseaudit moderate`
    take it: "agree", "change" (with the grade and the reason) or "return" (with the comments)."""
    if decision == "agree":
        return agree_grade(audit, expected_version=expected_version, acting_user=acting_user)
    if decision == "change":
        return change_grade(
            audit, grade=grade, reason=reason, expected_version=expected_version, acting_user=acting_user
        )
    if decision == "return":
        return return_audit(
            audit, comments=comments, expected_version=expected_version, acting_user=acting_user
        )
    raise ValueError(f"Not a moderation decision: {decision!r}")


def _send_feedback(audit: Audit, moderator: User) -> None:
    """The auditor's feedback to the worker and manager goes once the grade is decided, not before."""
    if PracticeFeedback.objects.filter(audit=audit, sent_at__isnull=True).exists():
        send_practice_feedback(audit, acting_user=moderator)


def _moderator(audit: Audit, acting_user: Actor) -> User:
    policy.require(acting_user, policy.MODERATE, audit)
    assert isinstance(acting_user, User)  # the command line never moderates
    return acting_user


def _comments(text: str, *, empty: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(empty)
    if len(text) > COMMENTS_MAX_LENGTH:
        raise ValidationError(f"{what} must be {COMMENTS_MAX_LENGTH} characters or fewer.")
    return text


@contextmanager
def _claimed(audit: Audit, expected_version: int) -> Iterator[None]:
    """Claim the version, then decide on the audit as it is in the database: the version was current, so
    that is the state the moderator saw. If anything refuses, the action's transaction rolls the claim
    back, and the audit in memory keeps the version the moderator was looking at."""
    before = audit.version
    try:
        claim_version(audit, expected_version, thing="audit")
        audit.refresh_from_db(fields=["status", "auditor_grade", "moderated_grade", "grade_scale"])
        yield
    except BaseException:
        audit.version = before
        raise


def _require_status(audit: Audit, allowed: tuple[str, ...], *, doing: str) -> None:
    if audit.status not in allowed:
        raise ValidationError(
            f"This audit is {audit.get_status_display().lower()}, so you cannot {doing}: only a submitted "
            "audit can be moderated."
        )


def _state(audit: Audit) -> dict[str, str]:
    return {"status": audit.status, "moderated_grade": audit.moderated_grade}


def _decided(
    audit: Audit, decision: ModerationEvent, before: dict[str, str], moderator: User, event: str
) -> ModerationEvent:
    """Save the decided audit and its moderation event, and record what changed."""
    audit.save(update_fields=["status", "moderated_grade", "updated_at"])
    decision.audit = audit
    decision.by = moderator
    decision.save()
    after = _state(audit)
    changed = [name for name in after if after[name] != before[name]]
    record_change(
        moderator,
        event,
        audit,
        old={name: before[name] for name in changed},
        new={
            **{name: after[name] for name in changed},
            "decision": decision.kind,
            "moderation_event": decision.pk,
        },
    )
    return decision
