"""What higher apps add beside a case. The case page and the panel beside the audit form show, besides the
register's own data, what other apps know about the case (its timescales, which `compliance` computes).
The register sits below those apps and cannot import them, so each hands down a function of the case at
start-up (in its AppConfig.ready), and the pages ask for all of them here.

The case page also shows the case's history (its audits and feedback from `audits`; its actions, follow-ups
and concerns from `improvement`). What of it a person sees depends on who they are, so a history is a
function of the case and the person, which reads through the higher app's scoped queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caseaudit.accounts.models import User

from .models import Case

CasePanel = Callable[[Case], dict[str, Any]]
CaseHistory = Callable[[Case, User], dict[str, Any]]

_panels: list[CasePanel] = []


def register_case_panel(panel: CasePanel) -> None:
    """Add `panel` (a function of the case returning template context) to every case page. Registering the
    same function twice adds it once: `ready()` may run more than once in tests."""
    if panel not in _panels:
        _panels.append(panel)


def case_panels_context(case: Case) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in _panels:
        context.update(panel(case))
    return context


_histories: list[CaseHistory] = []


def register_case_history(history: CaseHistory) -> None:
    """Add `history` (a function of the case and the person reading it, returning template context) to the
    case page. It must read only what that person may see, through its app's scoped queries. Registering
    the same function twice adds it once."""
    if history not in _histories:
        _histories.append(history)


def case_history_context(case: Case, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for history in _histories:
        context.update(history(case, user))
    return context
