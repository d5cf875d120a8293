"""A case's actions, follow-up audits and safeguarding concerns, for the case page (handed down to
`cases.panels.register_case_history` at start-up, ImprovementConfig.ready).

Each list reads through its scoped query, so a person sees on the case page exactly what they may open:
the case's team its actions; the QA team and the follow-up's auditor the follow-ups; the QA team, the
case's team manager and the auditor who raised one the concerns, never the worker."""

from __future__ import annotations

from typing import Any

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .scoping import actions_visible_to, concerns_visible_to, follow_ups_visible_to


def improvement_history(case: Case, user: User) -> dict[str, Any]:
    """`case_actions`, `case_follow_ups` and `case_concerns`, newest first where it matters."""
    return {
        "case_actions": list(actions_visible_to(user).filter(case=case).select_related("owner", "audit")),
        "case_follow_ups": list(
            follow_ups_visible_to(user).filter(case=case).select_related("auditor").order_by("-due_on", "-pk")
        ),
        "case_concerns": list(concerns_visible_to(user).filter(case=case).select_related("raised_by")),
    }
