"""Choosing the cases a cycle audits (docs/domain.md#sampling).

Pure functions over plain records: the database hands over the eligible cases and their last audit
dates, and gets back the sample with the reason each case was picked."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

import polars as pl

from .apportion import largest_remainder
from .cohorts import precedence
from .dates import add_months

FOCUS_COHORT = "focus-cohort"
NEVER_AUDITED = "never-audited"
LONGEST_SINCE_LAST_AUDIT = "longest-since-last-audit"
COHORT_REPRESENTATION = "cohort-representation"
RANDOM = "random"
IN_SCOPE = "in-scope"
CHOSEN_BY_HAND = "chosen-by-hand"

# Every open case is audited once a year, half in each of two cycles; a case audited (or planned) less
# than this long before a cycle starts is not eligible for it.
REAUDIT_AFTER_MONTHS = 12


class Candidate(NamedTuple):
    """A named tuple, not a dataclass: a million of them are built from database rows."""

    case_id: int
    cohort: str
    last_audited: date | None  # the latest audit on or before the cycle's start, completed or planned


class Pick(NamedTuple):
    case_id: int
    cohort: str
    reason: str


SEASONS = {"autumn": ((10, 1), (11, 30)), "spring": ((4, 1), (5, 31))}


def season_window(season: str, year: int) -> tuple[date, date]:
    """Autumn runs from 1 October to 30 November, spring from 1 April to 31 May (docs/domain.md#cycle)."""
    (start_month, start_day), (end_month, end_day) = SEASONS[season]
    return date(year, start_month, start_day), date(year, end_month, end_day)


def default_size(open_cases: int, *, fraction: float | None = None, size: int | None = None) -> int:
    """How many cases a cycle audits: `size` if given, else `fraction` of the open cases, else half of
    them; rounded up, so that two cycles a year reach every case."""
    if size is not None:
        return max(size, 0)
    return math.ceil(open_cases * (0.5 if fraction is None else fraction))


def is_eligible(last_audited: date | None, starts_on: date) -> bool:
    """A case may be sampled unless it was audited, or planned for audit, in the 12 months before the
    cycle starts. An audit planned in a cycle counts from that cycle's start date."""
    return last_audited is None or last_audited <= eligibility_cutoff(starts_on)


def eligibility_cutoff(starts_on: date) -> date:
    """The latest last-audit date that still lets a case be sampled: 12 calendar months before the start."""
    return add_months(starts_on, -REAUDIT_AFTER_MONTHS)


def plan_sample(candidates: Iterable[Candidate], *, size: int, focus: str | None, seed: int) -> list[Pick]:
    """The sample: `size` of the eligible `candidates` (all of them, if fewer).

    1. The focus cohort first: all its eligible cases, up to the size.
    2. Then every other cohort with eligible cases gets one place while places remain (highest need
       first), and the rest is shared in proportion to each cohort's eligible count (largest remainder).
    3. Inside a cohort: never-audited cases first, then the longest since their last audit, then a random
       order fixed by `seed`. The same candidates and seed always give the same sample.

    Each pick says why: the focus cohort; its cohort's one place; or, for a share of a cohort, never
    audited, longest since its last audit, or random when it tied with a case left out."""
    by_cohort: dict[str, list[Candidate]] = {}
    # Candidates sort as tuples, by case id first (ids are unique): the input order never matters.
    for candidate in sorted(candidates):
        by_cohort.setdefault(candidate.cohort, []).append(candidate)
    rng = random.Random(seed)
    queues = {cohort: _priority_order(cases, rng) for cohort, cases in sorted(by_cohort.items())}

    places = min(size, sum(len(q) for q in queues.values()))
    picks: list[Pick] = []
    if focus in queues:
        taken = queues.pop(focus)[:places]
        picks.extend(Pick(c.case_id, c.cohort, FOCUS_COHORT) for c in taken)
        places -= len(taken)

    others = sorted(queues, key=precedence)
    represented = others[:places]
    shares = dict.fromkeys(represented, 1)
    places -= len(represented)
    eligible = [len(queues[c]) for c in others]
    spare = [len(queues[c]) - shares.get(c, 0) for c in others]
    for cohort, extra in zip(others, _capped_shares(places, eligible, spare), strict=True):
        shares[cohort] = shares.get(cohort, 0) + extra

    for cohort in others:
        count = shares.get(cohort, 0)
        queue = queues[cohort]
        for candidate in queue[:count]:
            if count == 1 and cohort in represented:
                reason = COHORT_REPRESENTATION
            else:
                reason = _reason(candidate, queue, count)
            picks.append(Pick(candidate.case_id, candidate.cohort, reason))
    return picks


def _priority_order(cases: list[Candidate], rng: random.Random) -> list[Candidate]:
    """Never audited first, then the oldest last audit; between equals, a draw from the seeded generator
    (each case's draw depends only on the seed and its place in case-id order).

    Sorted by polars: a key tuple per case, a million of them, cost three times as much in Python."""
    draws = [rng.random() for _ in cases]
    frame = pl.DataFrame(
        {"last_audited": [c.last_audited for c in cases], "draw": draws},
        schema={"last_audited": pl.Date, "draw": pl.Float64},
    ).with_row_index("place")
    order = frame.sort(["last_audited", "draw"], nulls_last=False)["place"].to_list()
    return [cases[place] for place in order]


def _reason(candidate: Candidate, queue: Sequence[Candidate], count: int) -> str:
    """Why this case and not the first one left out: a real difference in audit history, or the draw."""
    if count < len(queue) and queue[count].last_audited == candidate.last_audited:
        return RANDOM
    return NEVER_AUDITED if candidate.last_audited is None else LONGEST_SINCE_LAST_AUDIT


def _capped_shares(places: int, weights: list[int], caps: list[int]) -> list[int]:
    """`places` shared in proportion to `weights` (each cohort's eligible count), never more than a
    cohort's cap (its cases not yet taken): what a full cohort cannot take goes to the others."""
    shares = [0] * len(caps)
    while places > 0:
        open_weights = [w if s < c else 0 for w, s, c in zip(weights, shares, caps, strict=True)]
        if not any(open_weights):
            break
        offer = largest_remainder(places, open_weights)
        given = [min(o, c - s) for o, s, c in zip(offer, shares, caps, strict=True)]
        shares = [s + g for s, g in zip(shares, given, strict=True)]
        places -= sum(given)
    return shares


def sample_in_scope(cohorts: dict[int, str], *, size: int | None, seed: int) -> list[Pick]:
    """The sample of a cycle of another kind than the case file audit (a thematic audit of pathway plans
    across the care leavers, say), from the cohort of each case in scope: every one of them when `size`
    is None or covers them all, otherwise `size` of them drawn at random, fixed by `seed`. No case is
    left out for a recent audit: a theme is looked at across every case it touches."""
    ordered = sorted(cohorts)
    if size is None or size >= len(ordered):
        return [Pick(case_id, cohorts[case_id], IN_SCOPE) for case_id in ordered]
    drawn = sorted(random.Random(seed).sample(ordered, size))
    return [Pick(case_id, cohorts[case_id], RANDOM) for case_id in drawn]
