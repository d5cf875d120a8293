"""Cycles for tests, built through the same action the planner uses (`plan_cycle`), but with the sample
chosen by the test rather than by the seeded draw, so every test knows exactly which cases are in it."""

from __future__ import annotations

from collections.abc import Iterable

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, SelectionReason
from caseaudit.cases.models import Case
from caseaudit.core.sampling import Pick, season_window
from caseaudit.cycles.actions import plan_cycle
from caseaudit.cycles.models import Cycle
from caseaudit.cycles.planning import Proposal
from caseaudit.policy import SYSTEM


def make_cycle(
    cases: Iterable[Case],
    *,
    name: str | None = None,
    season: str = "autumn",
    year: int = 2026,
    draft: bool = False,
    focus: str = "",
    reason: str = SelectionReason.NEVER_AUDITED,
    seed: int = 20261001,
    audit_type: str = "case-file",
    theme: str = "",
) -> Cycle:
    """A cycle of `audit_type` sampling `cases`: a draft, or (by default) a confirmed, planned one. Named
    after its season ("Autumn 2026") unless `name` says otherwise."""
    cases = list(cases)
    name = name or f"{season.capitalize()} {year}"
    starts_on, ends_on = season_window(season, year)
    picks = [
        Pick(c.pk, c.cohort, SelectionReason.FOCUS_COHORT if focus and c.cohort == focus else reason)
        for c in cases
    ]
    proposal = Proposal(
        name,
        season,
        year,
        starts_on,
        ends_on,
        focus,
        len(picks),
        seed,
        len(picks),
        len(picks),
        picks,
        audit_type=audit_type,
        theme=theme,
    )
    return plan_cycle(proposal, acting_user=SYSTEM, confirm=not draft)


def allocate_to(cycle: Cycle, auditor: User, cases: Iterable[Case] | None = None) -> None:
    """Give the cycle's audits (or those of `cases`) to `auditor`, as an allocation would."""
    audits = Audit.objects.filter(cycle=cycle)
    if cases is not None:
        audits = audits.filter(case__in=list(cases))
    audits.update(auditor=auditor)
