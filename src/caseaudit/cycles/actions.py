"""Changes of state for audit cycles: plan, swap, confirm or discard a sample, allocate, reallocate, close
or reopen, and the auditors' capacity. Views and commands call these; each asks the policy, runs in one
transaction and records what it changed. Proposing a sample changes nothing: that is
`planning.propose_cycle`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, AuditStatus, AuditTemplate, Reallocation, SelectionReason
from caseaudit.audits.templates_store import tool_for
from caseaudit.cases.models import Case
from caseaudit.core.allocation import Allocation, Auditor, AuditToAllocate, allocate
from caseaudit.core.audit_types import audit_type_label
from caseaudit.core.sampling import season_window
from caseaudit.policy import Actor

from .candidates import eligible_candidates
from .models import (
    FOCUS_REASON_MAX_LENGTH,
    Cycle,
    CycleDecision,
    CycleStatus,
    CycleStatusChange,
    SampleRule,
    SampleSwap,
)
from .notices import tell_allocated, tell_reallocated
from .planning import Proposal

EARLY_CLOSE_NEEDS_REASON = "Enter why the cycle closes before its window ends"

# Planning --------------------------------------------------------------------------------------------------


@changes_state
def plan_cycle(
    proposal: Proposal,
    *,
    acting_user: Actor,
    fraction: float | None = None,
    size: int | None = None,
    confirm: bool = False,
    focus_reason: str = "",
    template: AuditTemplate | None = None,
) -> Cycle:
    """Store a proposal as a cycle with its sample: a draft to review and change, or, with `confirm`, a
    planned cycle at once (as the command line does). `focus_reason` says why the focus cohort was chosen;
    `template` is the tool its audits start on; without one, each audit starts on the newest version of
    its kind's default tool."""
    policy.require(acting_user, policy.PLAN_CYCLES)
    if template is not None and (kind := tool_for(template).audit_type) != proposal.audit_type:
        named, wanted = audit_type_label(kind).lower(), audit_type_label(proposal.audit_type).lower()
        raise ValidationError(
            {"template": f"{template.name} is a tool for a {named}: choose one for a {wanted}"}
        )
    focus_reason = focus_reason.strip() if proposal.focus else ""
    if len(focus_reason) > FOCUS_REASON_MAX_LENGTH:
        raise ValidationError(
            {"focus_reason": f"Why this focus cohort must be {FOCUS_REASON_MAX_LENGTH} characters or fewer"}
        )
    if Cycle.objects.filter(name=proposal.name).exists():
        raise ValidationError(f"There is already a cycle called {proposal.name!r}.")
    cycle = Cycle.objects.create(
        name=proposal.name,
        season=proposal.season,
        year=proposal.year,
        starts_on=proposal.starts_on,
        ends_on=proposal.ends_on,
        focus_cohort=proposal.focus,
        focus_reason=focus_reason,
        fraction=fraction if proposal.sample_rule == SampleRule.FRACTION else None,
        size=size if proposal.sample_rule == SampleRule.SIZE else None,
        seed=proposal.seed,
        status=CycleStatus.PLANNED if confirm else CycleStatus.DRAFT,
        created_by=policy.named(acting_user),
        audit_type=proposal.audit_type,
        template=template,
        theme=proposal.theme,
        sample_rule=proposal.sample_rule,
        scope_cohort=proposal.scope_cohort,
        scope_team=proposal.scope_team,
    )
    Audit.objects.bulk_create(
        [
            Audit(
                cycle=cycle,
                case_id=p.case_id,
                cohort=p.cohort,
                reason=p.reason,
                selection_note=proposal.notes.get(p.case_id, ""),
            )
            for p in proposal.picks
        ],
        batch_size=5000,
    )
    record_change(
        acting_user,
        "cycle.planned",
        cycle,
        new={**_described(cycle), "seed": cycle.seed, "cases": len(proposal.picks)},
    )
    return cycle


@changes_state
def record_past_cycle(
    *,
    name: str,
    season: str,
    year: int,
    fraction: float | None,
    size: int | None,
    focus: str = "",
    acting_user: Actor,
) -> Cycle:
    """Record a cycle that ran before caseaudit, with how it was sampled, so that `import-audits` can put its
    audits in it and reports can say when years were sampled differently (every open case, then half). It has
    no sample of its own and is closed from the start."""
    policy.require(acting_user, policy.PLAN_CYCLES)
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
        created_by=policy.named(acting_user),
    )
    record_change(acting_user, "cycle.recorded", cycle, new=_described(cycle))
    return cycle


@changes_state
def swap_case(cycle: Cycle, *, remove: Audit, add_child_id: str, reason: str, acting_user: Actor) -> Audit:
    """Take a case out of a draft sample and put an eligible case in its place, with a reason."""
    policy.require(acting_user, policy.PLAN_CYCLES)
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
    SampleSwap.objects.create(
        cycle=cycle, removed=remove.case, added=added, reason=reason.strip(), by=policy.named(acting_user)
    )
    removed = {"case": remove.case_id, "audit": remove.pk}
    remove.delete()
    audit = Audit.objects.create(
        cycle=cycle, case=added, cohort=added.cohort, reason=SelectionReason.SWAPPED_IN
    )
    record_change(
        acting_user,
        "cycle.sample-swapped",
        cycle,
        old=removed,
        new={"case": added.pk, "audit": audit.pk, "reason": redacted(reason.strip())},
    )
    return audit


@changes_state
def confirm_cycle(cycle: Cycle, *, acting_user: Actor) -> None:
    policy.require(acting_user, policy.PLAN_CYCLES)
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("This cycle is already confirmed.")
    cycle.status = CycleStatus.PLANNED
    cycle.save(update_fields=["status"])
    record_change(
        acting_user, "cycle.confirmed", cycle, old={"status": CycleStatus.DRAFT}, new={"status": cycle.status}
    )


@changes_state
def discard_draft(cycle: Cycle, *, acting_user: Actor) -> None:
    """Delete a draft cycle with its sample and swaps. The history keeps what it was."""
    policy.require(acting_user, policy.PLAN_CYCLES)
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("Only a draft cycle can be discarded.")
    # Recorded first: the cycle has no id once deleted.
    record_change(
        acting_user,
        "cycle.discarded",
        cycle,
        old={**_described(cycle), "cases": cycle.audits.count(), "swaps": cycle.swaps.count()},
    )
    cycle.swaps.all().delete()
    cycle.delete()


# Allocation ------------------------------------------------------------------------------------------------


@changes_state
def allocate_cycle(cycle: Cycle, *, acting_user: Actor, today: date | None = None) -> Allocation:
    """Give every audit of a confirmed cycle that has no auditor to one, balancing loads and cohorts and
    never giving an auditor their own team's case. Audits that already have one are left alone."""
    policy.require(acting_user, policy.PLAN_CYCLES)
    if cycle.status == CycleStatus.DRAFT:
        raise ValidationError("Confirm the sample before allocating it.")
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError("This cycle is closed.")
    auditors = _auditors_for(cycle)
    if not auditors:
        raise ValidationError("There are no auditors: give at least one user the auditor role.")
    waiting = [
        _to_allocate(*row)
        for row in cycle.audits.filter(auditor__isnull=True)
        .exclude(status=AuditStatus.WITHDRAWN)
        .values_list("pk", "case__cohort", "case__team_id", "case__worker_id", "case__manager_id")
    ]
    result = allocate(waiting, auditors)
    by_auditor: dict[int, list[int]] = {}
    for audit_id, user_id in result.assigned.items():
        by_auditor.setdefault(user_id, []).append(audit_id)
    for user_id, audit_ids in by_auditor.items():
        Audit.objects.filter(pk__in=audit_ids, auditor__isnull=True).update(auditor_id=user_id)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {"allocated": len(result.assigned), "not_allocated": len(result.unassigned)}
    if cycle.status == CycleStatus.PLANNED and (today or timezone.localdate()) >= cycle.starts_on:
        # Allocated and inside its window: the audits can start.
        old["status"], new["status"] = cycle.status, CycleStatus.IN_PROGRESS
        cycle.status = CycleStatus.IN_PROGRESS
        cycle.save(update_fields=["status"])
    # Every allocation the planner runs is recorded, even one that found nothing to allocate or no auditor
    # for what was waiting: the history then says why the audits were left as they were.
    record_change(acting_user, "cycle.allocated", cycle, old=old, new=new)
    tell_allocated(cycle, {user_id: len(audit_ids) for user_id, audit_ids in by_auditor.items()})
    return result


@changes_state
def reallocate_audit(audit: Audit, *, to_auditor: User, reason: str, acting_user: Actor) -> None:
    """Move an audit to another auditor, recorded with the reason."""
    policy.require(acting_user, policy.REALLOCATE_AUDITS)
    if not policy.can(to_auditor, policy.HAVE_AUDITS):
        raise ValidationError("Audits go to active users with the auditor role.")
    if not reason.strip():
        raise ValidationError("Say why the audit moves.")
    if audit.status in (AuditStatus.SUBMITTED, AuditStatus.MODERATED):
        raise ValidationError("A submitted audit stays with the auditor who wrote it.")
    if audit.status == AuditStatus.WITHDRAWN:
        raise ValidationError("A withdrawn audit is no longer anybody's work.")
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
    Reallocation.objects.create(
        audit=audit,
        from_auditor=audit.auditor,
        to_auditor=to_auditor,
        reason=reason.strip(),
        by=policy.named(acting_user),
    )
    old = {"auditor": audit.auditor_id}
    from_auditor = audit.auditor
    audit.auditor = to_auditor
    audit.save(update_fields=["auditor", "updated_at"])
    tell_reallocated(audit, from_auditor=from_auditor, to_auditor=to_auditor)
    record_change(
        acting_user,
        "audit.reallocated",
        audit,
        old=old,
        new={"auditor": to_auditor.pk, "reason": redacted(reason.strip())},
    )


@changes_state
def close_cycle(cycle: Cycle, *, reason: str = "", acting_user: Actor, today: date | None = None) -> None:
    """Close a cycle: its sample and allocation are then fixed (no more allocating or reallocating).
    Audits not yet submitted stay as they are, and the report says so. Before the window has ended only
    the QA lead may close it, and only with a reason, kept with the cycle."""
    policy.require(acting_user, policy.PLAN_CYCLES)
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.CLOSED):
        raise ValidationError("Only a confirmed cycle that is still open can be closed.")
    reason = reason.strip()
    early = (today or timezone.localdate()) <= cycle.ends_on
    if early:
        # A slip of the mouse should not end a cycle whose audits are still being written.
        policy.require(acting_user, policy.CLOSE_CYCLE_EARLY)
        if not reason:
            raise ValidationError(EARLY_CLOSE_NEEDS_REASON)
    old = {"status": cycle.status}
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])
    new: dict[str, Any] = {"status": cycle.status}
    if early:
        new["early"] = True
    if reason:
        CycleStatusChange.objects.create(
            cycle=cycle, decision=CycleDecision.CLOSED, reason=reason, by=policy.named(acting_user)
        )
        new["reason"] = redacted(reason)
    record_change(acting_user, "cycle.closed", cycle, old=old, new=new)


@changes_state
def reopen_cycle(cycle: Cycle, *, reason: str, acting_user: Actor, today: date | None = None) -> None:
    """Reopen a closed cycle, with a reason: allocating and reallocating are possible again. It goes back
    to in progress once its window has started and an audit has an auditor, else to planned."""
    policy.require(acting_user, policy.REOPEN_CYCLES)
    if cycle.status != CycleStatus.CLOSED:
        raise ValidationError("Only a closed cycle can be reopened.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the cycle reopens.")
    started = (today or timezone.localdate()) >= cycle.starts_on
    allocated = cycle.audits.filter(auditor__isnull=False).exists()
    cycle.status = CycleStatus.IN_PROGRESS if started and allocated else CycleStatus.PLANNED
    cycle.save(update_fields=["status"])
    CycleStatusChange.objects.create(
        cycle=cycle, decision=CycleDecision.REOPENED, reason=reason, by=policy.named(acting_user)
    )
    record_change(
        acting_user,
        "cycle.reopened",
        cycle,
        old={"status": CycleStatus.CLOSED},
        new={"status": cycle.status, "reason": redacted(reason)},
    )


@changes_state
def set_audit_capacity(auditor: User, capacity: int | None, *, acting_user: Actor) -> None:
    """How many audits an auditor can take in a cycle (None: no set limit)."""
    policy.require(acting_user, policy.SET_CAPACITY)
    # An auditor whose account is switched off keeps a capacity, for when it is switched on again.
    if not policy.holders(policy.HAVE_AUDITS, inactive_too=True).filter(pk=auditor.pk).exists():
        raise ValidationError(f"{auditor.username} is not an auditor.")
    if capacity is not None and capacity < 0:
        raise ValidationError("A capacity is a number of audits, 0 or more.")
    old = {"audit_capacity": auditor.audit_capacity}
    auditor.audit_capacity = capacity
    auditor.save(update_fields=["audit_capacity"])
    record_change(acting_user, "auditor.capacity-set", auditor, old=old, new={"audit_capacity": capacity})


# Helpers ---------------------------------------------------------------------------------------------------


def _described(cycle: Cycle) -> dict[str, Any]:
    """What a cycle is, for the history of its creation and deletion."""
    return {
        "name": cycle.name,
        "season": cycle.season,
        "year": cycle.year,
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "focus_cohort": cycle.focus_cohort,
        "fraction": cycle.fraction,
        "size": cycle.size,
        "status": cycle.status,
        "audit_type": cycle.audit_type,
        "sample_rule": cycle.sample_rule,
        "theme": cycle.theme,
        "template": f"{cycle.template.slug} v{cycle.template.version}" if cycle.template else "",
    }


def _auditors_for(cycle: Cycle) -> list[Auditor]:
    """Every active auditor, with what they already hold in this cycle, in two queries."""
    held: dict[int, dict[str, int]] = {}
    for user_id, cohort, count in (
        cycle.audits.filter(auditor__isnull=False)
        .values_list("auditor_id", "case__cohort")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        held.setdefault(user_id, {})[cohort] = count
    users = policy.holders(policy.HAVE_AUDITS).select_related("staff").order_by("pk")
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
    """An audit as the allocation sees it: the people of its case may never audit it."""
    return AuditToAllocate(pk, cohort, team_id, frozenset(s for s in (worker_id, manager_id) if s))
