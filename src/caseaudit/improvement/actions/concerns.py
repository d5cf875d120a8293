"""Raising a safeguarding concern, and the response that closes it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.audits.models import Audit
from caseaudit.notifications.notify import notify, notify_each

from ..escalation import (
    DESCRIPTION_REQUIRED,
    RESPONSE_REQUIRED,
    answered,
    managers_of,
    qa_leads,
    to_manager,
    to_qa_lead,
)
from ..models import SafeguardingConcern


@changes_state
def escalate_concern(audit: Audit, *, description: str, acting_user: policy.Actor) -> SafeguardingConcern:
    """Record a safeguarding concern about the audit's child and tell the team manager(s), in the app and
    by email, with the QA lead(s) told too. The emails are written to the outbox with the concern and
    handed to the mail server once it is saved; `escalation_of(concern)` then says who really has it."""
    policy.require(acting_user, policy.RAISE_CONCERN, audit)
    description = description.strip()
    if not description:
        raise ValidationError(DESCRIPTION_REQUIRED)
    case = audit.case
    managers = list(managers_of(case))
    raiser = policy.named(acting_user)
    leads = [user for user in qa_leads() if user not in managers and user != raiser]
    concern = SafeguardingConcern.objects.create(
        audit=audit,
        case=case,
        description=description,
        raised_by=policy.named(acting_user),
    )
    told = notify_each(managers, to_manager(concern))
    reachable = any(n.email is not None for n in told)
    told += notify_each(leads, to_qa_lead(concern, manager_reachable=reachable))
    concern.notified.set([n.recipient for n in told])
    record_change(
        acting_user,
        "concern.raised",
        concern,
        new={
            "audit": audit.pk,
            "case": case.pk,
            "description": redacted(description),
            "notified": [n.recipient_id for n in told],
        },
    )
    return concern


@changes_state
def respond_to_concern(concern: SafeguardingConcern, *, response: str, acting_user: policy.Actor) -> None:
    """Record the manager's response, which closes the concern."""
    policy.require(acting_user, policy.RESPOND_TO_CONCERN, concern)
    response = response.strip()
    if not response:
        raise ValidationError(RESPONSE_REQUIRED)
    now = timezone.now()
    responder = policy.named(acting_user)
    closed = SafeguardingConcern.objects.filter(pk=concern.pk, responded_at__isnull=True).update(
        response=response, responded_by=responder, responded_at=now
    )
    if not closed:
        raise ValidationError("This concern already has a response.")
    record_change(
        acting_user,
        "concern.answered",
        concern,
        old={"response": "", "responded_at": None},
        new={"response": redacted(response), "responded_at": now},
    )
    concern.response, concern.responded_by, concern.responded_at = response, responder, now
    if concern.raised_by is not None and concern.raised_by != responder:
        notify(concern.raised_by, answered(concern))
