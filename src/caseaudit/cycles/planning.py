"""Proposing a cycle's sample: which cases the planner would pick, and why, before anything is stored.
`plan-cycle --dry-run` prints a proposal and the wizard previews it; `actions.plan_cycle` stores it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.reaudit import sample_with_reaudits
from caseaudit.core.sampling import Pick, default_size, season_window
from caseaudit.cycles.reaudits import reaudit_candidates
from caseaudit.gc_pause import gc_paused

from .candidates import eligible_candidates


@dataclass
class Proposal:
    """A sample before it is stored."""

    name: str
    season: str
    year: int
    starts_on: date
    ends_on: date
    focus: str
    size: int
    seed: int
    open_cases: int
    eligible: int
    picks: list[Pick]


@gc_paused()  # a candidate, a place in its cohort's queue and a pick for each open case
def propose_cycle(
    *,
    season: str,
    year: int,
    focus: str = "",
    fraction: float | None = None,
    size: int | None = None,
    seed: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    name: str | None = None,
) -> Proposal:
    """The sample the planner proposes, without storing anything. A custom season needs its dates."""
    if season == "custom":
        if starts_on is None or ends_on is None:
            raise ValidationError("A custom cycle needs a start date and an end date.")
    else:
        default_start, default_end = season_window(season, year)
        starts_on, ends_on = starts_on or default_start, ends_on or default_end
    if ends_on < starts_on:
        raise ValidationError("The cycle ends before it starts.")
    if fraction is not None and not 0 < fraction <= 1:
        raise ValidationError("The fraction is a number above 0 and at most 1, such as 0.5 for half.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    candidates, open_cases = eligible_candidates(starts_on)
    wanted = default_size(open_cases, fraction=fraction, size=size)
    # Cases moderated Inadequate and due for re-audit by the cycle's end come first, whatever their
    # last audit date (issue 6, scope 6).
    reaudits = reaudit_candidates(starts_on, ends_on)
    picks = sample_with_reaudits(candidates, reaudits, size=wanted, focus=focus or None, seed=seed)
    label = name or (
        f"{season.capitalize()} {year}" if season != "custom" else f"Cycle from {starts_on:%-d %B %Y}"
    )
    return Proposal(
        label, season, year, starts_on, ends_on, focus, wanted, seed, open_cases, len(candidates), picks
    )


def sample_counts(picks: list[Pick]) -> list[tuple[str, int]]:
    """(cohort label, cases picked) in the cohorts' order of need."""
    counts: dict[str, int] = {}
    for pick in picks:
        counts[pick.cohort] = counts.get(pick.cohort, 0) + 1
    return [
        (COHORT_LABELS[c], n)
        for c, n in sorted(counts.items(), key=lambda kv: list(COHORT_LABELS).index(kv[0]))
    ]
