"""Learning from audits: the auditor's feedback to the case's worker and manager (what went well, what to
do next), written with the audit, sent when the audit is moderated, and acknowledged by the worker.

The feedback is held back until moderation decides the grade: a moderator who changes the grade may ask
the auditor to change the feedback too, and the worker should not read one grade's feedback and then be
given another. The change history records that feedback was written, sent and acknowledged, never its
words, which may name the child."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.locking import claim_version
from caseaudit.policy import Actor

from ..models import PRACTICE_FEEDBACK_MAX_LENGTH, Audit, PracticeFeedback
from ..notices import tell_feedback_acknowledged, tell_feedback_sent
from .completion import _auditor

WENT_WELL_NEEDED = "Enter what went well"
NEXT_STEPS_NEEDED = "Enter what to do next"
REPLY_MAX_LENGTH = 2000


@changes_state
def save_practice_feedback(
    audit: Audit, *, went_well: str, next_steps: str, expected_version: int, acting_user: Actor
) -> PracticeFeedback:
    """Write or change the feedback while the audit is being written (or is returned for more work)."""
    auditor = _auditor(audit, acting_user)
    went_well, next_steps = went_well.strip(), next_steps.strip()
    problems = {}
    asked = (("went_well", went_well, WENT_WELL_NEEDED), ("next_steps", next_steps, NEXT_STEPS_NEEDED))
    for name, text, needed in asked:
        if not text:
            problems[name] = needed
        elif len(text) > PRACTICE_FEEDBACK_MAX_LENGTH:
            problems[name] = f"Feedback must be {PRACTICE_FEEDBACK_MAX_LENGTH:,} characters or fewer"
    if problems:
        raise ValidationError(problems)
    claim_version(audit, expected_version, thing="audit")
    feedback, created = PracticeFeedback.objects.update_or_create(
        audit=audit, defaults={"went_well": went_well, "next_steps": next_steps, "written_by": auditor}
    )
    record_change(
        acting_user, "practice-feedback.written" if created else "practice-feedback.changed", audit, new={}
    )
    return feedback


@changes_state
def send_practice_feedback(audit: Audit, *, acting_user: Actor) -> PracticeFeedback:
    """Send the audit's feedback to the case's worker and manager, once: called by moderation when it
    decides the grade of an audit with feedback waiting, in the same transaction."""
    feedback = PracticeFeedback.objects.filter(audit=audit, sent_at__isnull=True).first()
    if feedback is None:
        raise ValidationError("This audit has no feedback waiting to be sent.")
    feedback.sent_at = timezone.now()
    feedback.save(update_fields=["sent_at"])
    told = tell_feedback_sent(audit)
    record_change(acting_user, "practice-feedback.sent", audit, new={"people_told": told})
    return feedback


@changes_state
def acknowledge_practice_feedback(feedback: PracticeFeedback, *, reply: str, acting_user: Actor) -> None:
    """The worker says they have read the feedback, with a reply if they want one: the auditor hears."""
    policy.require(acting_user, policy.ACKNOWLEDGE_PRACTICE_FEEDBACK, feedback.audit)
    if feedback.sent_at is None:
        raise ValidationError("This feedback has not been sent yet: it is sent when the audit is moderated.")
    if feedback.acknowledged_at is not None:
        raise ValidationError(f"You acknowledged this feedback on {feedback.acknowledged_at:%-d %B %Y}.")
    reply = reply.strip()
    if len(reply) > REPLY_MAX_LENGTH:
        raise ValidationError({"reply": f"Your reply must be {REPLY_MAX_LENGTH:,} characters or fewer"})
    feedback.acknowledged_at = timezone.now()
    feedback.acknowledged_by = policy.named(acting_user)
    feedback.reply = reply
    feedback.save(update_fields=["acknowledged_at", "acknowledged_by", "reply"])
    record_change(acting_user, "practice-feedback.acknowledged", feedback.audit, new={"replied": bool(reply)})
    tell_feedback_acknowledged(feedback)
