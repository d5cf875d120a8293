"""The change history: every change of state is made by an action function, which records what it changed.

An action function lives in its app's `actions` module, takes the acting person (`acting_user`, a User or
the command line's SYSTEM actor), asks the policy, and is decorated with `@changes_state`: that runs it
in one transaction and refuses to let it return without having recorded a change event, so a new action
cannot forget its history. Side effects that leave the database (email) are queued with
`transaction.on_commit`, so they never go out for a change that was rolled back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import models, transaction

from .models import ChangeEvent, User

P = ParamSpec("P")
R = TypeVar("R")

# The events recorded by the action function running now (None outside any): how `changes_state` knows.
_recorded: ContextVar[list[ChangeEvent] | None] = ContextVar("caseaudit_change_events", default=None)


class NoChangeRecorded(RuntimeError):
    """An action function returned without recording what it changed: a bug in that function."""


def subject_name(subject: models.Model | tuple[str, object]) -> tuple[str, str]:
    """A model instance is named by its model's name and primary key; anything else as (type, id)."""
    if isinstance(subject, models.Model):
        return subject._meta.model_name or type(subject).__name__.lower(), str(subject.pk or "")
    kind, ident = subject
    return kind, "" if ident is None else str(ident)


def redacted(text: str) -> str:
    """How a change event keeps free text (a reason, a note, evidence, a concern), which may name a child:
    its length, never its words. The words stay on the record the event names, where the scoped queries
    guard them; the change history is read more widely."""
    return f"{len(text)} characters" if text else ""


def record_change(
    actor: object,
    event: str,
    subject: models.Model | tuple[str, object],
    *,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
) -> ChangeEvent:
    """Record one change: `event` is "<subject>.<what happened>" ("audit.submitted"); `old` and `new`
    hold the values that changed (a deletion has only `old`, a creation only `new`), free text through
    `redacted()`. Values are stored as JSON: dates and decimals are written as text."""
    subject_type, subject_id = subject_name(subject)
    person = actor if isinstance(actor, User) else None
    change = ChangeEvent.objects.create(
        actor=person,
        actor_name=person.username if person else str(getattr(actor, "username", "system")),
        event=event,
        subject_type=subject_type,
        subject_id=subject_id,
        old=dict(old or {}),
        new=dict(new or {}),
    )
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append(change)
    return change


def changes_state(function: Callable[P, R]) -> Callable[P, R]:
    """Run an action function in one transaction, and insist that it recorded at least one change
    event: returning without one raises NoChangeRecorded, which rolls the change back. A refusal
    (PermissionDenied, ValidationError, a conflict) is raised as it was, having changed nothing."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        outer = _recorded.get()
        mine: list[ChangeEvent] = []
        token = _recorded.set(mine)
        try:
            with transaction.atomic():
                result = function(*args, **kwargs)
                if not mine:
                    raise NoChangeRecorded(f"{function.__qualname__} returned without recording a change")
        finally:
            _recorded.reset(token)
        if outer is not None:
            outer.extend(mine)
        return result

    run.changes_state = True  # type: ignore[attr-defined]
    return run
