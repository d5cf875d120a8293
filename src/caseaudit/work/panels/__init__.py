"""The panels of "Your work", one module each, in the order the page shows them. Each is a function of the
person and today that returns its panel, or None when it has nothing for this person: it asks the policy
whether the panel is this person's work, then reads only through the scoped queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from caseaudit.accounts.models import User

from ..panel import Panel
from . import (
    accounts_waiting,
    case_audits,
    concerns_raised,
    follow_ups_due,
    headlines,
    moderation_queue,
    my_actions,
    my_audits,
    my_follow_ups,
    open_concerns,
    overdue_actions,
    overdue_audits,
    practice_feedback,
    reaudits_due,
    returned_audits,
    returned_to_me,
)

PanelFunction = Callable[[User, date], Panel | None]

# Safeguarding first, always; then what someone is waiting on this person for; then the rest.
PANELS: tuple[PanelFunction, ...] = (
    open_concerns.panel,
    returned_to_me.panel,
    my_audits.panel,
    my_follow_ups.panel,
    concerns_raised.panel,
    moderation_queue.panel,
    overdue_audits.panel,
    returned_audits.panel,
    overdue_actions.panel,
    reaudits_due.panel,
    follow_ups_due.panel,
    my_actions.panel,
    practice_feedback.panel,
    case_audits.panel,
    headlines.panel,
    accounts_waiting.panel,
)


def your_work(user: User, today: date) -> list[Panel]:
    return [panel for make in PANELS if (panel := make(user, today)) is not None]
