"""Arranging and completing follow-up audits. Completing one verifies or reopens each action it checked,
so it records a change event for the follow-up and one for each action it moved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from ..follow_up import CHECKED, Answer, actions_to_check, follow_up_auditors
from ..models import Action, ActionNote, ActionStatus, FollowUp, FollowUpItem, FollowUpStatus
from ..notices import tell_follow_up_auditor
from ..tracker import TEXT_MAX


@changes_state
def create_follow_up(
    case: Case, *, auditor: User | None, due_on: date | None, acting_user: policy.Actor
) -> FollowUp:
    """Arrange a follow-up audit of `case`'s open, in-progress and done actions."""
    policy.require(acting_user, policy.ARRANGE_FOLLOW_UPS)
    if case.follow_ups.filter(status=FollowUpStatus.ALLOCATED).exists():
        raise ValidationError("This case already has a follow-up audit waiting to be done")
    actions = list(actions_to_check(case))
    if not actions:
        raise ValidationError("This case has no open or done actions to follow up")
    if auditor is None or not follow_up_auditors(case).filter(pk=auditor.pk).exists():
        raise ValidationError("Select an auditor from the list: never one from the case's own team")
    if due_on is None:
        raise ValidationError("Enter the date the follow-up audit is due")
    if due_on < timezone.localdate():
        raise ValidationError("The date the follow-up audit is due must be today or in the future")
    follow_up = FollowUp.objects.create(
        case=case,
        auditor=auditor,
        due_on=due_on,
        created_by=policy.named(acting_user),
    )
    FollowUpItem.objects.bulk_create([FollowUpItem(follow_up=follow_up, action=a) for a in actions])
    record_change(
        acting_user,
        "follow-up.arranged",
        follow_up,
        new={"case": case.pk, "auditor": auditor.pk, "due_on": due_on, "actions": [a.pk for a in actions]},
    )
    tell_follow_up_auditor(follow_up)
    return follow_up


def _checked(answers: dict[int, Answer], items: list[FollowUpItem]) -> dict[int, Answer]:
    """Every action answered, yes with evidence; errors name the action by its place in the list."""
    errors: list[str] = []
    clean: dict[int, Answer] = {}
    for number, item in enumerate(items, start=1):
        answer = answers.get(item.action_id, Answer(None))
        evidence = (answer.evidence or "").strip()
        if answer.done is None:
            errors.append(f"Action {number}: select whether it was done")
        elif answer.done and not evidence:
            errors.append(f"Action {number}: enter the evidence that it was done")
        elif len(evidence) > TEXT_MAX:
            errors.append(f"Action {number}: the evidence must be {TEXT_MAX:,} characters or fewer")
        clean[item.action_id] = Answer(answer.done, evidence)
    if errors:
        raise ValidationError(errors)
    return clean


@changes_state
def complete_follow_up(
    follow_up: FollowUp, *, answers: dict[int, Answer], note: str = "", acting_user: policy.Actor
) -> FollowUp:
    """The auditor's answers, per action id: done (with evidence) verifies the action; not done reopens
    it (back to open, with the auditor's words). An action verified or cancelled since the follow-up was
    arranged keeps its status: the QA lead's later decision stands."""
    policy.require(acting_user, policy.COMPLETE_FOLLOW_UP, follow_up)
    if follow_up.status != FollowUpStatus.ALLOCATED:
        raise ValidationError("This follow-up audit is already complete")
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError(f"The note must be {TEXT_MAX:,} characters or fewer")
    items = list(follow_up.items.select_related("action"))
    clean = _checked(answers, items)
    now = timezone.now()
    # Of two submissions of the same follow-up, exactly one completes it.
    if not FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.ALLOCATED).update(
        status=FollowUpStatus.COMPLETED, completed_at=now, note=note
    ):
        raise ValidationError("This follow-up audit is already complete")
    verified: list[int] = []
    reopened: list[int] = []
    for item in items:
        answer = clean[item.action_id]
        item.done, item.evidence = answer.done, answer.evidence
        item.save(update_fields=["done", "evidence"])
        if item.action.status not in CHECKED:
            continue
        _apply(follow_up, item.action, answer, note, acting_user)
        (verified if answer.done else reopened).append(item.action_id)
    record_change(
        acting_user,
        "follow-up.completed",
        follow_up,
        old={"status": FollowUpStatus.ALLOCATED},
        new={
            "status": FollowUpStatus.COMPLETED,
            "note": redacted(note),
            "verified": verified,
            "reopened": reopened,
        },
    )
    follow_up.status, follow_up.completed_at, follow_up.note = FollowUpStatus.COMPLETED, now, note
    return follow_up


def _apply(follow_up: FollowUp, action: Action, answer: Answer, note: str, acting_user: policy.Actor) -> None:
    """Verify or reopen one action. Its version moves on, so an owner's page opened before is refused."""
    to_status = ActionStatus.VERIFIED if answer.done else ActionStatus.OPEN
    evidence = answer.evidence if answer.done else ""
    said = f"Follow-up audit {follow_up.pk}: " + ("done." if answer.done else "not done.")
    text = " ".join(part for part in (said, "" if answer.done else answer.evidence, note) if part)
    Action.objects.filter(pk=action.pk).update(
        status=to_status,
        evidence=evidence,
        cancel_reason="",
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    moved = action.status != to_status
    ActionNote.objects.create(
        action=action,
        author=policy.named(acting_user),
        text=text,
        evidence=evidence,
        from_status=action.status if moved else "",
        to_status=to_status if moved else "",
    )
    record_change(
        acting_user,
        "action.verified" if answer.done else "action.reopened",
        action,
        old={"status": action.status, "evidence": redacted(action.evidence)},
        new={"status": to_status, "evidence": redacted(evidence), "follow_up": follow_up.pk},
    )
