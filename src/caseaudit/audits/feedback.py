"""Feedback from children, young people and carers: the questions, single-use links, and the answers.

A link is made by the QA lead or the audit's auditor and shown to them once; only the SHA-256 of its token is
kept, so a copy of the database cannot be used to answer in a child's name. The person who opens the link
needs no account and sees no child data: the page knows only which questions to ask. The actions that make
links and store answers are in `audits.actions.feedback`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import FeedbackLink, Respondent

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


def usable_link(token: str) -> FeedbackLink | None:
    """The link for `token` if it can still be answered: known, unused and unexpired."""
    return (
        FeedbackLink.objects.filter(
            token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .only("pk", "respondent", "expires_at")
        .first()
    )
