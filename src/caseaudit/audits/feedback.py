"""Feedback from children, young people and carers: the questions, single-use links, and the answers.

A link is made by the QA lead or the audit's auditor and shown to them once; only the SHA-256 of its token is
kept, so a copy of the database cannot be used to answer in a child's name. The person who opens the link
needs no account and sees no child data: the page knows only which questions to ask."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User

from .models import Audit, FeedbackLink, FeedbackResponse, Respondent
from .scoping import audits_visible_to

TEXT_MAX_LENGTH = 2000
LINK_DAYS_DEFAULT = 14
LINK_DAYS_MAX = 60
# A link is a secret: 32 random bytes, about 43 characters in the URL.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Question:
    """One question, in words a nine-year-old can read. `choices` empty means a free-text answer."""

    slug: str
    text: str
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)


_KNOW = (("yes", "Yes"), ("no", "No"), ("not-sure", "I'm not sure"))
_LISTEN = (("yes", "Yes, most of the time"), ("sometimes", "Sometimes"), ("no", "No, not really"))
_BETTER = (("yes", "Yes"), ("a-bit", "A bit"), ("no", "No"))
_GOING_WELL = Question("going-well", "What is going well?", hint="You can leave this empty.")
_COULD_BE_BETTER = Question("could-be-better", "What could be better?", hint="You can leave this empty.")
_ANYTHING_ELSE = Question(
    "anything-else", "Is there anything else you want to tell us?", hint="You can leave this empty."
)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    Respondent.YOUNG_PERSON: (
        Question("know-worker", "Do you know who your worker is?", _KNOW),
        Question("listened-to", "Does your worker listen to you?", _LISTEN),
        Question("helping", "Is the help you get making things better for you?", _BETTER),
        _GOING_WELL,
        _COULD_BE_BETTER,
        _ANYTHING_ELSE,
    ),
    Respondent.CARER: (
        Question("know-worker", "Do you know who the worker is?", _KNOW),
        Question("listened-to", "Does the worker listen to you?", _LISTEN),
        Question("child-listened-to", "Does the worker listen to the child or young person?", _LISTEN),
        Question("helping", "Is the help making things better for the family?", _BETTER),
        _GOING_WELL,
        _COULD_BE_BETTER,
        _ANYTHING_ELSE,
    ),
}

NOTHING_ANSWERED = "Answer at least one question before you send your answers."
LINK_NOT_USABLE = (
    "This link no longer works. It may have been used already, or it may be too old. "
    "Ask the person who sent it to you for a new one."
)


class LinkNotUsable(ValidationError):
    """The link is unknown, used or expired: the same refusal for all three, so nobody learns which."""

    def __init__(self) -> None:
        super().__init__(LINK_NOT_USABLE, code="link-not-usable")


def questions_for(respondent: str) -> tuple[Question, ...]:
    try:
        return QUESTIONS[respondent]
    except KeyError:
        raise ValidationError(f"Unknown respondent {respondent!r}.") from None


def label_answers(respondent: str, answers: dict[str, str]) -> list[tuple[str, str]]:
    """(question, answer in words) for each question, in order; unanswered questions say so."""
    rows = []
    for question in questions_for(respondent):
        value = answers.get(question.slug, "")
        if question.is_choice:
            value = dict(question.choices).get(value, value)
        rows.append((question.text, value or "Not answered"))
    return rows


def validate_answers(respondent: str, answers: dict[str, Any]) -> dict[str, str]:
    """The answers as stored: known questions only, choices from their list, text trimmed and at most
    TEXT_MAX_LENGTH characters, empty answers left out; at least one answer."""
    questions = {q.slug: q for q in questions_for(respondent)}
    errors: dict[str, str] = {}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValidationError(f"Unknown questions: {', '.join(unknown)}.")
    cleaned: dict[str, str] = {}
    for slug, value in answers.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors[slug] = "Answer in words."
            continue
        value = value.strip()
        if not value:
            continue
        question = questions[slug]
        if question.is_choice and value not in dict(question.choices):
            errors[slug] = f"Choose one of the answers to “{question.text}”"
        elif not question.is_choice and len(value) > TEXT_MAX_LENGTH:
            errors[slug] = f"“{question.text}” must be {TEXT_MAX_LENGTH} characters or fewer"
        else:
            cleaned[slug] = value
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(NOTHING_ANSWERED, code="nothing-answered")
    return cleaned


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_gather_feedback(user: User | None, audit: Audit) -> bool:
    """The QA lead, or the auditor the audit is allocated to (in a confirmed cycle)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.QA_LEAD:
        return True
    return (
        user.role == Role.AUDITOR
        and audit.auditor_id == user.pk
        and audits_visible_to(user).filter(pk=audit.pk).exists()
    )


def _require_gatherer(user: User | None, audit: Audit) -> User:
    if user is None or not may_gather_feedback(user, audit):
        raise PermissionDenied("Only the QA lead or the audit's auditor may gather feedback for it.")
    return user


def create_feedback_link(
    audit: Audit, *, respondent: str, acting_user: User | None, days: int = LINK_DAYS_DEFAULT
) -> str:
    """Make a single-use link for `respondent` that works for `days` days; return its token, the only
    time it is ever seen. Build the URL with reverse("feedback:form", args=[token])."""
    user = _require_gatherer(acting_user, audit)
    questions_for(respondent)
    if not 1 <= days <= LINK_DAYS_MAX:
        raise ValidationError(f"A link works for 1 to {LINK_DAYS_MAX} days.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        link = FeedbackLink.objects.create(
            audit=audit,
            respondent=respondent,
            token_hash=hash_token(token),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        record_access(user, "create", "feedback-link", link.pk, f"audit {audit.pk}, {respondent}")
    return token


def usable_link(token: str) -> FeedbackLink | None:
    """The link for `token` if it can still be answered: known, unused and unexpired."""
    return (
        FeedbackLink.objects.filter(
            token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .only("pk", "respondent", "expires_at")
        .first()
    )


def submit_feedback(token: str, answers: dict[str, Any]) -> FeedbackResponse:
    """Store the answers given through a link and use the link up. No one is signed in."""
    now = timezone.now()
    with transaction.atomic():
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
        record_access(None, "create", "feedback", response.pk, f"online, audit {link.audit_id}")
    return response


def record_paper_feedback(
    audit: Audit,
    *,
    respondent: str,
    answers: dict[str, Any],
    received_on: date,
    acting_user: User | None,
) -> FeedbackResponse:
    """Type in a feedback form that came back on paper."""
    user = _require_gatherer(acting_user, audit)
    cleaned = validate_answers(respondent, answers)
    if received_on > timezone.localdate():
        raise ValidationError("The date it was received must be today or in the past.")
    with transaction.atomic():
        response = FeedbackResponse.objects.create(
            audit=audit,
            respondent=respondent,
            on_paper=True,
            answers=cleaned,
            received_on=received_on,
            recorded_by=user,
        )
        record_access(user, "create", "feedback", response.pk, f"on paper, audit {audit.pk}")
    return response
