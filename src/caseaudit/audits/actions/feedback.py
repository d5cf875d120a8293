"""Gathering feedback from children, young people and carers: a single-use link for them to answer online,
their answers sent through it, and a paper form typed in.

The QA lead or the audit's auditor gathers feedback (`policy.GATHER_FEEDBACK`). Whoever answers through a
link has no account: the link is their only authority, and the change history names them "respondent".
Answers may name the child, and the change history never does: an event lists which questions were
answered, never the answers; nor does it hold a link's token, which only its maker ever sees."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.policy import Actor

from ..feedback import (
    LINK_DAYS_DEFAULT,
    LINK_DAYS_MAX,
    TOKEN_BYTES,
    LinkNotUsable,
    hash_token,
    questions_for,
    validate_answers,
)
from ..models import Audit, FeedbackLink, FeedbackResponse


class _Respondent:
    """The child, young person or carer who answers through a link, as the change history names them."""

    username = "respondent"


_RESPONDENT = _Respondent()


def _gatherer(audit: Audit, acting_user: Actor) -> User:
    policy.require(acting_user, policy.GATHER_FEEDBACK, audit)
    assert isinstance(acting_user, User)  # the command line gathers no feedback
    return acting_user


def _answered(response: FeedbackResponse) -> dict[str, Any]:
    return {
        "audit": response.audit_id,
        "respondent": response.respondent,
        "on_paper": response.on_paper,
        "received_on": response.received_on,
        "answered": sorted(response.answers),
    }


@changes_state
def create_feedback_link(
    audit: Audit, *, respondent: str, acting_user: Actor, days: int = LINK_DAYS_DEFAULT
) -> str:
    """Make a single-use link for `respondent` that works for `days` days; return its token, the only
    time it is ever seen. Build the URL with reverse("feedback:form", args=[token])."""
    user = _gatherer(audit, acting_user)
    questions_for(respondent)
    if not 1 <= days <= LINK_DAYS_MAX:
        raise ValidationError(f"A link works for 1 to {LINK_DAYS_MAX} days.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = FeedbackLink.objects.create(
        audit=audit,
        respondent=respondent,
        token_hash=hash_token(token),
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_change(
        user,
        "feedback-link.created",
        link,
        new={"audit": audit.pk, "respondent": respondent, "expires_at": link.expires_at},
    )
    return token


@changes_state
def submit_feedback(token: str, answers: dict[str, Any]) -> FeedbackResponse:
    """Store the answers given through a link and use the link up. No one is signed in."""
    now = timezone.now()
    link = (
        FeedbackLink.objects.select_for_update()
        .filter(token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None:
        raise LinkNotUsable
    cleaned = validate_answers(link.respondent, answers)
    # The conditional update is the guard that holds even where select_for_update is a no-op (SQLite).
    if not FeedbackLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise LinkNotUsable
    response = FeedbackResponse.objects.create(
        audit_id=link.audit_id,
        respondent=link.respondent,
        link=link,
        on_paper=False,
        answers=cleaned,
        received_on=timezone.localdate(now),
    )
    record_change(_RESPONDENT, "feedback.received", response, new={**_answered(response), "link": link.pk})
    return response


@changes_state
def record_paper_feedback(
    audit: Audit,
    *,
    respondent: str,
    answers: dict[str, Any],
    received_on: date,
    acting_user: Actor,
) -> FeedbackResponse:
    """Type in a feedback form that came back on paper."""
    user = _gatherer(audit, acting_user)
    cleaned = validate_answers(respondent, answers)
    if received_on > timezone.localdate():
        raise ValidationError("The date it was received must be today or in the past.")
    response = FeedbackResponse.objects.create(
        audit=audit,
        respondent=respondent,
        on_paper=True,
        answers=cleaned,
        received_on=received_on,
        recorded_by=user,
    )
    record_change(user, "feedback.recorded", response, new=_answered(response))
    return response
