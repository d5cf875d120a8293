"""Changes of state for audit cycles: plan, swap, confirm, allocate, reallocate. Views and commands call
these; each checks permission, runs in one transaction and writes the access log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit, AuditStatus, Reallocation, SelectionReason
from caseaudit.cases.models import Case
from caseaudit.core.allocation import Allocation, Auditor, AuditToAllocate, allocate
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.reaudit import sample_with_reaudits
from caseaudit.core.sampling import Pick, default_size, season_window
from caseaudit.improvement.reaudit import reaudit_candidates

from .candidates import eligible_candidates
from .models import Cycle, CycleStatus, SampleSwap

PLANNERS = (Role.QA_LEAD, Role.MODERATOR)


def _require(user: User | None, roles: tuple[str, ...], what: str) -> None:
    """None is the command line, which is trusted like the QA lead."""
    if user is not None and not (user.is_active and user.role in roles):
        raise PermissionDenied(f"Only {' or '.join(Role(r).label for r in roles)} may {what}.")


@dataclass
class Proposal:
    """A sample before it is stored: what `plan-cycle --dry-run` prints and the wizard previews."""

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


def plan_cycle(
    proposal: Proposal,
    *,
    acting_user: User | None,
    fraction: float | None = None,
    size: int | None = None,
    confirm: bool = False,
) -> Cycle:
    """Store a proposal as a cycle with its sample: a draft to review and change, or, with `confirm`, a
    planned cycle at once (as the command line does)."""
    _require(acting_user, PLANNERS, "plan audit cycles")
    if Cycle.objects.filter(name=proposal.name).exists():
        raise ValidationError(f"There is already a cycle called {proposal.name!r}.")
    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=proposal.name,
            season=proposal.season,
            year=proposal.year,
            starts_on=proposal.starts_on,
            ends_on=proposal.ends_on,
            focus_cohort=proposal.focus,
            fraction=fraction,
            size=size,
            seed=proposal.seed,
            status=CycleStatus.PLANNED if confirm else CycleStatus.DRAFT,
            created_by=acting_user,
        )
        Audit.objects.bulk_create(
            [Audit(cycle=cycle, case_id=p.case_id, cohort=p.cohort, reason=p.reason) for p in proposal.picks],
            batch_size=5000,
        )
        record_access(
            acting_user, "create", "cycle", cycle.pk, f"{len(proposal.picks)} cases, seed {cycle.seed}"
        )
    return cycle


def record_past_cycle(
    *,
    name: str,
    season: str,
    year: int,
    fraction: float | None,
    size: int | None,
    focus: str = "",
    acting_user: User | None,
) -> Cycle:
    """Record a cycle that ran before caseaudit, with how it was sampled, so that `import-audits` can put its
    audits in it and reports can say when years were sampled differently (every open case, then half). It has
    no sample of its own and is closed from the start."""
    _require(acting_user, PLANNERS, "record past audit cycles")
    if (fraction is None) == (size is None):
        raise ValidationError(
            "Say how the cycle was sampled: a fraction of the open cases (1 for every open case) or a size."
        )
    if fraction is not None and not 0 < fraction <= 1:
        raise ValidationError("The fraction is a number above 0 and at most 1, such as 0.5 for half.")
    if season == "custom":
        raise ValidationError("A past cycle is recorded by season: autumn or spring.")
    if Cycle.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"There is already a cycle called {name!r}.")
    starts_on, ends_on = season_window(season, year)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=name,
            season=season,
            year=year,
            starts_on=starts_on,
            ends_on=ends_on,
            focus_cohort=focus,
            fraction=fraction,
            size=size,
            seed=0,
            status=CycleStatus.CLOSED,
            created_by=acting_user,
        )
        record_access(acting_user, "create", "cycle", cycle.pk, "past cycle recorded")
    return cycle


def swap_case(
    cycle: Cycle, *, remove: Audit, add_child_id: str, reason: str, acting_user: User | None
) -> Audit:
    """Take a case out of a draft sample and put an eligible case in its place, with a reason."""
    _require(acting_user, PLANNERS, "change a sample")
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("The sample is confirmed: only a draft sample can be changed.")
    if remove.cycle_id != cycle.pk:
        raise ValidationError("That case is not in this sample.")
    if not reason.strip():
        raise ValidationError("Say why the case is swapped.")
    added = Case.objects.filter(child_id=add_child_id.strip()).first()
    if added is None:
        raise ValidationError(f"No case with Child Unique ID {add_child_id.strip()!r}.")
    if cycle.audits.filter(case=added).exists():
        raise ValidationError(f"{added.child_id} is already in the sample.")
    candidates, _ = eligible_candidates(cycle.starts_on, exclude_cycle=cycle)
    if added.pk not in {c.case_id for c in candidates}:
        raise ValidationError(
            f"{added.child_id} cannot be sampled: it is not open on {cycle.starts_on:%-d %B %Y}, or it was "
            "audited or planned for audit in the 12 months before."
        )
    with transaction.atomic():
        SampleSwap.objects.create(
            cycle=cycle, removed=remove.case, added=added, reason=reason.strip(), by=acting_user
        )
        remove.delete()
        audit = Audit.objects.create(
            cycle=cycle, case=added, cohort=added.cohort, reason=SelectionReason.SWAPPED_IN
        )
        record_access(acting_user, "update", "cycle", cycle.pk, "a case swapped in the sample")
    return audit


def confirm_cycle(cycle: Cycle, *, acting_user: User | None) -> None:
    _require(acting_user, PLANNERS, "confirm a sample")
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("This cycle is already confirmed.")
    with transaction.atomic():
        cycle.status = CycleStatus.PLANNED
        cycle.save(update_fields=["status"])
        record_access(acting_user, "update", "cycle", cycle.pk, "sample confirmed")


def discard_draft(cycle: Cycle, *, acting_user: User | None) -> None:
    _require(acting_user, PLANNERS, "discard a draft cycle")
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("Only a draft cycle can be discarded.")
    with transaction.atomic():
        record_access(acting_user, "update", "cycle", cycle.pk, "draft discarded")
        cycle.swaps.all().delete()
        cycle.delete()


def auditors_for(cycle: Cycle) -> list[Auditor]:
    """Every active auditor, with what they already hold in this cycle, in two queries."""
    held: dict[int, dict[str, int]] = {}
    for user_id, cohort, count in (
        cycle.audits.filter(auditor__isnull=False)
        .values_list("auditor_id", "case__cohort")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        held.setdefault(user_id, {})[cohort] = count
    users = User.objects.filter(role=Role.AUDITOR, is_active=True).select_related("staff").order_by("pk")
    return [_as_auditor(user, held.get(user.pk, {})) for user in users]


def _as_auditor(user: User, held: dict[str, int] | None = None) -> Auditor:
    held = held or {}
    staff = user.staff
    return Auditor(
        user_id=user.pk,
        capacity=user.audit_capacity,
        teams=frozenset({staff.team_id}) if staff and staff.team_id else frozenset(),
        staff_id=user.staff_id,
        load=sum(held.values()),
        cohort_load=dict(held),
    )


def _to_allocate(
    pk: int, cohort: str, team_id: int | None, worker_id: int | None, manager_id: int | None
) -> AuditToAllocate:
    return AuditToAllocate(pk, cohort, team_id, frozenset(s for s in (worker_id, manager_id) if s))


def allocate_cycle(cycle: Cycle, *, acting_user: User | None, today: date | None = None) -> Allocation:
    """Give every audit of a confirmed cycle that has no auditor to one, balancing loads and cohorts and
    never giving an auditor their own team's case."""
    _require(acting_user, PLANNERS, "allocate audits")
    if cycle.status == CycleStatus.DRAFT:
        raise ValidationError("Confirm the sample before allocating it.")
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError("This cycle is closed.")
    auditors = auditors_for(cycle)
    if not auditors:
        raise ValidationError("There are no auditors: give at least one user the auditor role.")
    waiting = [
        AuditToAllocate(pk, cohort, team_id, frozenset(s for s in (worker_id, manager_id) if s))
        for pk, cohort, team_id, worker_id, manager_id in cycle.audits.filter(
            auditor__isnull=True
        ).values_list("pk", "case__cohort", "case__team_id", "case__worker_id", "case__manager_id")
    ]
    result = allocate(waiting, auditors)
    with transaction.atomic():
        by_auditor: dict[int, list[int]] = {}
        for audit_id, user_id in result.assigned.items():
            by_auditor.setdefault(user_id, []).append(audit_id)
        for user_id, audit_ids in by_auditor.items():
            Audit.objects.filter(pk__in=audit_ids, auditor__isnull=True).update(auditor_id=user_id)
        if cycle.status == CycleStatus.PLANNED and (today or timezone.localdate()) >= cycle.starts_on:
            # Allocated and inside its window: the audits can start.
            cycle.status = CycleStatus.IN_PROGRESS
            cycle.save(update_fields=["status"])
        record_access(
            acting_user,
            "update",
            "cycle",
            cycle.pk,
            f"{len(result.assigned)} audits allocated, {len(result.unassigned)} could not be",
        )
    return result


def close_cycle(cycle: Cycle, *, acting_user: User | None) -> None:
    """Close a cycle: its sample and allocation are then fixed. Audits not yet submitted stay as they are,
    and the report says so."""
    _require(acting_user, PLANNERS, "close a cycle")
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.CLOSED):
        raise ValidationError("Only a confirmed cycle that is still open can be closed.")
    with transaction.atomic():
        cycle.status = CycleStatus.CLOSED
        cycle.save(update_fields=["status"])
        record_access(acting_user, "update", "cycle", cycle.pk, "closed")


def set_audit_capacity(auditor: User, capacity: int | None, *, acting_user: User | None) -> None:
    """How many audits an auditor can take in a cycle (None: no set limit). QA lead only."""
    _require(acting_user, (Role.QA_LEAD,), "set auditors' capacity")
    if auditor.role != Role.AUDITOR:
        raise ValidationError(f"{auditor.username} is not an auditor.")
    if capacity is not None and capacity < 0:
        raise ValidationError("A capacity is a number of audits, 0 or more.")
    with transaction.atomic():
        auditor.audit_capacity = capacity
        auditor.save(update_fields=["audit_capacity"])
        record_access(acting_user, "update", "user", auditor.pk, f"audit capacity {capacity}")


def reallocate_audit(audit: Audit, *, to_auditor: User, reason: str, acting_user: User | None) -> None:
    """Move an audit to another auditor (QA lead only), recorded with the reason."""
    _require(acting_user, (Role.QA_LEAD,), "reallocate audits")
    if to_auditor.role != Role.AUDITOR or not to_auditor.is_active:
        raise ValidationError("Audits go to active users with the auditor role.")
    if not reason.strip():
        raise ValidationError("Say why the audit moves.")
    if audit.status in (AuditStatus.SUBMITTED, AuditStatus.MODERATED):
        raise ValidationError("A submitted audit stays with the auditor who wrote it.")
    if audit.cycle is not None and audit.cycle.status in (CycleStatus.DRAFT, CycleStatus.CLOSED):
        raise ValidationError(
            "Audits are allocated once the sample is confirmed, and not after the cycle closes."
        )
    case = audit.case
    item = _to_allocate(audit.pk, case.cohort, case.team_id, case.worker_id, case.manager_id)
    if _as_auditor(to_auditor).conflicts_with(item):
        raise ValidationError(
            f"{to_auditor.get_full_name() or to_auditor.username} works in this case's team."
        )
    with transaction.atomic():
        Reallocation.objects.create(
            audit=audit,
            from_auditor=audit.auditor,
            to_auditor=to_auditor,
            reason=reason.strip(),
            by=acting_user,
        )
        audit.auditor = to_auditor
        audit.save(update_fields=["auditor", "updated_at"])
        record_access(acting_user, "update", "audit", audit.pk, "reallocated")


def sample_counts(picks: list[Pick]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for pick in picks:
        counts[pick.cohort] = counts.get(pick.cohort, 0) + 1
    return [
        (COHORT_LABELS[c], n)
        for c, n in sorted(counts.items(), key=lambda kv: list(COHORT_LABELS).index(kv[0]))
    ]
