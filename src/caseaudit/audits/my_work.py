"""What higher apps add to My audits. An auditor's work is not only the audits allocated to them: the
follow-up audits of `improvement` are theirs too. The audits app sits below it and cannot import it, so it
hands down a function of the person at start-up (ImprovementConfig.ready), and the page asks for all of
them here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caseaudit.accounts.models import User

MyWork = Callable[[User], dict[str, Any]]

_work: list[MyWork] = []


def register_my_work(work: MyWork) -> None:
    """Add `work` (a function of the auditor returning template context, read through its app's scoped
    queries) to My audits. Registering the same function twice adds it once."""
    if work not in _work:
        _work.append(work)


def my_work_context(user: User) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for work in _work:
        context.update(work(user))
    return context
