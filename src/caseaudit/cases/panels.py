"""What higher apps add beside a case. The case page and the panel beside the audit form show, besides the
register's own data, what other apps know about the case (its timescales, which `compliance` computes).
The register sits below those apps and cannot import them, so each hands down a function of the case at
start-up (in its AppConfig.ready), and the pages ask for all of them here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Case

CasePanel = Callable[[Case], dict[str, Any]]

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
