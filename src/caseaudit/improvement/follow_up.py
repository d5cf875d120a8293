"""Follow-up audits (issue 6, scope 6): a short check of whether a case's actions were done.

The QA lead arranges one for a case with actions still open, in progress or done, and allocates it to an
auditor (never one of the case's own team). The auditor answers for each action whether it was done, with
the evidence seen. Completing it verifies the actions that were done and reopens the others, with the
follow-up's words in each action's log, so the loop from finding to change closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case

from .models import Action, ActionKind, ActionNote, ActionStatus, FollowUp, FollowUpItem, FollowUpStatus
from .tracker import TEXT_MAX

CHECKED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)


@dataclass(frozen=True)
class Answer:
    done: bool | None
    evidence: str = ""


def follow_ups_visible_to(user: User | AnonymousUser | None) -> QuerySet[FollowUp]:
    """The QA lead and moderators see every follow-up; an auditor those allocated to them."""
    if not isinstance(user, User) or not user.sees_child_level_data:
        return FollowUp.objects.none()
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return FollowUp.objects.all()
    if user.role == Role.AUDITOR:
        return FollowUp.objects.filter(auditor=user)
    return FollowUp.objects.none()


def actions_to_check(case: Case) -> QuerySet[Action]:
    """The case's actions from audits that are not yet verified or cancelled."""
    return Action.objects.filter(case=case, kind=ActionKind.ACTION, status__in=CHECKED)


def follow_up_auditors(case: Case) -> QuerySet[User]:
    """Active auditors with no conflict of interest: not in the case's team, not its worker or manager."""
    conflict = Q(staff__isnull=False) & (Q(staff=case.worker_id) | Q(staff=case.manager_id))
    if case.team_id is not None:
        conflict |= Q(staff__team_id=case.team_id)
    return (
        User.objects.filter(role=Role.AUDITOR, is_active=True)
        .exclude(conflict)
        .select_related("staff")
        .order_by("last_name", "first_name", "username")
    )


def create_follow_up(case: Case, *, auditor: User | None, due_on: date | None, acting_user: User) -> FollowUp:
    """Arrange a follow-up audit of `case`'s open, in-progress and done actions (QA lead only)."""
    if not isinstance(acting_user, User) or not acting_user.is_qa_lead:
        raise PermissionDenied("Only the QA lead may arrange follow-up audits.")
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
    with transaction.atomic():
        follow_up = FollowUp.objects.create(case=case, auditor=auditor, due_on=due_on, created_by=acting_user)
        FollowUpItem.objects.bulk_create([FollowUpItem(follow_up=follow_up, action=a) for a in actions])
        record_access(
            acting_user, "create", "follow-up", follow_up.pk, f"case {case.pk}, {len(actions)} actions"
        )
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


def complete_follow_up(
    follow_up: FollowUp, *, answers: dict[int, Answer], note: str = "", acting_user: User
) -> FollowUp:
    """The auditor's answers, per action id: done (with evidence) verifies the action; not done reopens
    it (back to open, with the auditor's words). An action verified or cancelled since the follow-up was
    arranged keeps its status: the QA lead's later decision stands."""
    if not (
        isinstance(acting_user, User)
        and acting_user.is_active
        and acting_user.role == Role.AUDITOR
        and follow_up.auditor_id == acting_user.pk
    ):
        raise PermissionDenied("Only the auditor the follow-up audit is allocated to may complete it.")
    if follow_up.status != FollowUpStatus.ALLOCATED:
        raise ValidationError("This follow-up audit is already complete")
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError(f"The note must be {TEXT_MAX:,} characters or fewer")
    items = list(follow_up.items.select_related("action"))
    clean = _checked(answers, items)
    now = timezone.now()
    with transaction.atomic():
        # Of two submissions of the same follow-up, exactly one completes it.
        if not FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.ALLOCATED).update(
            status=FollowUpStatus.COMPLETED, completed_at=now, note=note
        ):
            raise ValidationError("This follow-up audit is already complete")
        verified = reopened = 0
        for item in items:
            answer = clean[item.action_id]
            item.done, item.evidence = answer.done, answer.evidence
            item.save(update_fields=["done", "evidence"])
            action = item.action
            if action.status not in CHECKED:
                continue
            _apply(follow_up, action, answer, note, acting_user)
            verified += bool(answer.done)
            reopened += not answer.done
        record_access(
            acting_user,
            "update",
            "follow-up",
            follow_up.pk,
            f"completed: {verified} verified, {reopened} reopened",
        )
    follow_up.status, follow_up.completed_at, follow_up.note = FollowUpStatus.COMPLETED, now, note
    return follow_up


def _apply(follow_up: FollowUp, action: Action, answer: Answer, note: str, user: User) -> None:
    """Verify or reopen one action. Its version moves on, so an owner's page opened before is refused."""
    to_status = ActionStatus.VERIFIED if answer.done else ActionStatus.OPEN
    said = f"Follow-up audit {follow_up.pk}: " + ("done." if answer.done else "not done.")
    text = " ".join(part for part in (said, "" if answer.done else answer.evidence, note) if part)
    Action.objects.filter(pk=action.pk).update(
        status=to_status,
        evidence=answer.evidence if answer.done else "",
        cancel_reason="",
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    ActionNote.objects.create(
        action=action,
        author=user,
        text=text,
        evidence=answer.evidence if answer.done else "",
        from_status=action.status if action.status != to_status else "",
        to_status=to_status if action.status != to_status else "",
    )
    record_access(user, "update", "action", action.pk, f"{to_status} by follow-up {follow_up.pk}")
