"""Where an audit's actions are kept. The auditor adds per-case actions to the audit, but they are worked
on, chased and verified in the improvement tracker, an app above this one. So the tracker hands its side
down at start-up (ImprovementConfig.ready) as an `ActionBook`, and the audit's actions and pages ask for it
here instead of importing the tracker."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from caseaudit.accounts.models import User

from .models import Audit


class ActionBook(Protocol):
    def of_audit(self, audit: Audit) -> QuerySet[Any]:
        """The actions added to `audit`, with their owners."""
        ...

    def add(self, audit: Audit, *, description: str, owner: User, due_on: date, created_by: User) -> Model:
        """Keep a new action about the audit's case, owned by `owner`."""
        ...

    def worked_on(self, action: Any) -> bool:
        """Whether anyone has worked on the action (a note, a new status): then it is never deleted."""
        ...

    def submitted(self, audit: Audit, *, since: datetime | None) -> None:
        """The audit is submitted: its actions are no longer the auditor's draft, so tell their owners;
        on a resubmission (`since` the first submission) only the owners of actions added since."""
        ...


_book: ActionBook | None = None


def register_action_book(book: ActionBook) -> None:
    global _book  # one book, set once at start-up
    _book = book


def action_book() -> ActionBook:
    if _book is None:
        raise ImproperlyConfigured(
            "The improvement app is not installed: an audit has nowhere to keep actions."
        )
    return _book
