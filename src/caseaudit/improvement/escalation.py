"""Safeguarding concerns: an auditor who finds a child at risk escalates at once to the team manager, and
the concern stays open until the manager (or the QA lead) records the response. It never waits for a
report (docs/domain.md#safeguarding-concern).

This module says who is told and what the email says; raising and answering a concern are the action
functions of `improvement.actions.concerns`."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .models import SafeguardingConcern

logger = logging.getLogger(__name__)

DESCRIPTION_REQUIRED = "Describe the concern: what you found and why the child may be at risk"
RESPONSE_REQUIRED = "Enter the response: what has been done, or will be done, to keep the child safe"


def managers_of(case: Case) -> QuerySet[User]:
    """Who the concern goes to: the team managers of the case's team (the people who read its records),
    and the case's own manager if they have an account. Only people with an email address can be told."""
    who = Q(pk__in=[])
    if case.team_id is not None:
        who |= Q(pk__in=policy.holders(policy.READ_TEAM_RECORDS).filter(staff__team_id=case.team_id))
    if case.manager_id is not None:
        who |= Q(staff_id=case.manager_id)
    return User.objects.filter(who, is_active=True).exclude(email="").order_by("pk")


def qa_leads() -> QuerySet[User]:
    """Who is copied in on every concern, and told instead when no manager can be."""
    return policy.holders(policy.HEAR_OF_CONCERNS).exclude(email="").order_by("pk")


def concern_email(
    concern: SafeguardingConcern, url: str, *, to: list[str], cc: list[str], has_manager: bool
) -> EmailMessage | None:
    """The email names the Child Unique ID and links to the concern; the description stays in the app,
    because whatever an auditor types may identify the child, and email leaves the authority's systems."""
    if not to:
        return None
    case = concern.case
    lines = [
        f"An auditor has raised a safeguarding concern about the child with Child Unique ID {case.child_id}"
        + (f" ({case.team.name})." if case.team else "."),
        "",
        "It needs a response today. Read the concern and record what has been done to keep the child safe:",
        url,
    ]
    if not has_manager:
        lines += [
            "",
            "No team manager could be told: the case has no team manager with an account and an email "
            "address. Please make sure a manager responds.",
        ]
    return EmailMessage(
        subject=f"Safeguarding concern: {case.child_id} needs a response today",
        body="\n".join(lines) + "\n",
        to=to,
        cc=cc,
    )


def send_concern_email(message: EmailMessage, concern_pk: int) -> None:
    # The concern is saved and listed whatever happens to the email: a mail server down must not hide it.
    try:
        message.send()
    except Exception:
        logger.exception("The email for safeguarding concern %s could not be sent", concern_pk)
