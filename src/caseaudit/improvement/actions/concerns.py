"""Raising a safeguarding concern, and the response that closes it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.audits.models import Audit

from ..escalation import (
    DESCRIPTION_REQUIRED,
    RESPONSE_REQUIRED,
    concern_email,
    managers_of,
    qa_leads,
    send_concern_email,
)
from ..models import SafeguardingConcern


@changes_state
def escalate_concern(
    audit: Audit, *, description: str, acting_user: policy.Actor, site_url: str = ""
) -> SafeguardingConcern:
    """Record a safeguarding concern about the audit's child and email the team manager(s), with the QA
    lead(s) in copy, once the concern is saved. With no team manager to tell, the QA lead gets it.

    `site_url` ("https://audits.example.gov.uk") makes the link in the email absolute."""
    policy.require(acting_user, policy.RAISE_CONCERN, audit)
    description = description.strip()
    if not description:
        raise ValidationError(DESCRIPTION_REQUIRED)
    case = audit.case
    managers = list(managers_of(case))
    leads = [user for user in qa_leads() if user not in managers]
    concern = SafeguardingConcern.objects.create(
        audit=audit,
        case=case,
        description=description,
        raised_by=policy.named(acting_user),
    )
    concern.notified.set([*managers, *leads])
    record_change(
        acting_user,
        "concern.raised",
        concern,
        new={
            "audit": audit.pk,
            "case": case.pk,
            "description": redacted(description),
            "notified": [user.pk for user in (*managers, *leads)],
        },
    )
    # The managers, with the QA lead(s) in copy; with no manager, the QA lead(s) themselves.
    url = site_url.rstrip("/") + reverse("improvement:detail", args=[concern.pk])
    message = concern_email(
        concern,
        url,
        to=[u.email for u in managers or leads],
        cc=[u.email for u in leads] if managers else [],
        has_manager=bool(managers),
    )
    if message is not None:
        # After the commit: no email goes out about a concern that was never saved.
        transaction.on_commit(lambda: send_concern_email(message, concern.pk))
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
