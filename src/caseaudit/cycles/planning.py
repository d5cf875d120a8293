"""Proposing a cycle's sample: which cases the planner would pick, and why, before anything is stored.
`plan-cycle --dry-run` prints a proposal and the wizard previews it; `actions.plan_cycle` stores it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from caseaudit.cases.models import Case, Team, open_on
from caseaudit.core.audit_types import AUDIT_TYPES, CASE_FILE, audit_type_label
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.reaudit import sample_with_reaudits
from caseaudit.core.sampling import CHOSEN_BY_HAND, Pick, default_size, sample_in_scope, season_window
from caseaudit.cycles.reaudits import reaudit_candidates
from caseaudit.gc_pause import gc_paused

from .candidates import eligible_candidates
from .models import NAME_MAX_LENGTH, SELECTION_NOTE_MAX_LENGTH, SampleRule

THEMATIC = "thematic"


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
    audit_type: str = CASE_FILE
    sample_rule: str = SampleRule.FRACTION
    theme: str = ""
    scope_cohort: str = ""
    scope_team: Team | None = None
    # The planner's reason for each case chosen by hand, by case id.
    notes: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """What a cycle of another kind than the case file audit looks at: its theme, and the cases it may
    sample (a cohort, a team, or both; neither is every open case)."""

    theme: str = ""
    cohort: str = ""
    team: Team | None = None


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
    audit_type: str = CASE_FILE,
    every_case: bool = False,
    scope: Scope | None = None,
    chosen: Sequence[tuple[str, str]] = (),
) -> Proposal:
    """The sample the planner proposes, without storing anything. A custom season needs its dates.

    A case file audit samples the eligible cases (`core.sampling.plan_sample`); another kind samples the
    cases open in its `scope`, every one of them (`every_case`) or a fraction or number drawn at random.
    `chosen` (child id, reason) pairs are a sample chosen by hand, for any kind."""
    if audit_type not in AUDIT_TYPES:
        raise ValidationError(f"{audit_type!r} is not a kind of audit (use {', '.join(AUDIT_TYPES)}).")
    scope = scope or Scope()
    if audit_type == THEMATIC and not scope.theme.strip():
        raise ValidationError("A thematic audit needs its theme, such as pathway plans.")
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
    label = name or _name(audit_type, scope.theme, season, year, starts_on)
    notes: dict[int, str] = {}
    rule: str
    if chosen:
        rule = SampleRule.BY_HAND
        picks, notes = _chosen_by_hand(chosen, starts_on)
        wanted: int | None = len(picks)
        open_cases = eligible = Case.objects.filter(open_on(starts_on)).count()
    elif audit_type == CASE_FILE:
        rule = SampleRule.EVERY_CASE if every_case else _rule(size)
        candidates, open_cases = eligible_candidates(starts_on)
        eligible = len(candidates)
        wanted = eligible if every_case else default_size(open_cases, fraction=fraction, size=size)
        # Cases moderated Inadequate and due for re-audit by the cycle's end come first, whatever their
        # last audit date (issue 6, scope 6).
        reaudits = reaudit_candidates(starts_on, ends_on)
        picks = sample_with_reaudits(candidates, reaudits, size=wanted, focus=focus or None, seed=seed)
    else:
        rule = SampleRule.EVERY_CASE if every_case else _rule(size)
        cohorts = dict(_in_scope(scope, starts_on).values_list("pk", "cohort"))
        open_cases = eligible = len(cohorts)
        wanted = None if every_case else default_size(open_cases, fraction=fraction, size=size)
        picks = sample_in_scope(cohorts, size=wanted, seed=seed)
        focus = ""
    wanted = len(picks) if chosen or wanted is None else wanted
    return Proposal(
        label,
        season,
        year,
        starts_on,
        ends_on,
        focus,
        wanted,
        seed,
        open_cases,
        eligible,
        picks,
        audit_type=audit_type,
        sample_rule=rule,
        theme=scope.theme.strip() if audit_type != CASE_FILE else "",
        scope_cohort=scope.cohort if audit_type != CASE_FILE else "",
        scope_team=scope.team if audit_type != CASE_FILE else None,
        notes=notes,
    )


def _rule(size: int | None) -> str:
    return SampleRule.SIZE if size is not None else SampleRule.FRACTION


def _name(audit_type: str, theme: str, season: str, year: int, starts_on: date) -> str:
    """The default name: "Autumn 2026" for the case file audit, "Thematic or dip-sample audit: pathway
    plans, March 2027" for another kind (cut to fit the 80 characters a name may have)."""
    if audit_type == CASE_FILE:
        return f"{season.capitalize()} {year}" if season != "custom" else f"Cycle from {starts_on:%-d %B %Y}"
    when = f"{starts_on:%B %Y}"
    kind = audit_type_label(audit_type)
    if theme.strip():
        room = NAME_MAX_LENGTH - len(kind) - len(when) - 4
        kind = f"{kind}: {_shortened(theme.strip(), room)}"
    return f"{kind}, {when}"


def _shortened(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


def _in_scope(scope: Scope, starts_on: date) -> QuerySet[Case]:
    cases = Case.objects.filter(open_on(starts_on))
    if scope.cohort:
        cases = cases.filter(cohort=scope.cohort)
    if scope.team is not None:
        cases = cases.filter(team=scope.team)
    return cases


def _chosen_by_hand(chosen: Sequence[tuple[str, str]], starts_on: date) -> tuple[list[Pick], dict[int, str]]:
    """The cases the planner named, each with their reason; refused, naming every problem, if a child id
    is not in the register, is named twice, has no reason, or is not open on the cycle's first day."""
    named = {child_id for child_id, _ in chosen}
    found = {c.child_id: c for c in Case.objects.filter(child_id__in=named)}
    still_open = Case.objects.filter(open_on(starts_on), child_id__in=named)
    open_ids = set(still_open.values_list("child_id", flat=True))
    problems: list[str] = []
    seen: set[str] = set()
    for child_id, reason in chosen:  # in the order typed, so each problem is found where it was written
        if child_id in seen:
            problems.append(f"{child_id} is named twice")
            continue
        seen.add(child_id)
        if not reason.strip():
            problems.append(f"Enter why {child_id} is chosen")
        elif len(reason.strip()) > SELECTION_NOTE_MAX_LENGTH:
            limit = SELECTION_NOTE_MAX_LENGTH
            problems.append(f"Why {child_id} is chosen must be {limit} characters or fewer")
        if child_id not in found:
            problems.append(f"{child_id} is not in the case register")
        elif child_id not in open_ids:
            problems.append(f"{child_id} is not open on {starts_on:%-d %B %Y}")
    if problems:
        raise ValidationError({"chosen": problems})  # the planning page shows them at its field
    picks, notes = [], {}
    for child_id, reason in chosen:
        case = found[child_id]
        picks.append(Pick(case.pk, case.cohort, CHOSEN_BY_HAND))
        notes[case.pk] = reason.strip()
    return picks, notes


def sample_counts(picks: list[Pick]) -> list[tuple[str, int]]:
    """(cohort label, cases picked) in the cohorts' order of need."""
    counts: dict[str, int] = {}
    for pick in picks:
        counts[pick.cohort] = counts.get(pick.cohort, 0) + 1
    return [
        (COHORT_LABELS[c], n)
        for c, n in sorted(counts.items(), key=lambda kv: list(COHORT_LABELS).index(kv[0]))
    ]
