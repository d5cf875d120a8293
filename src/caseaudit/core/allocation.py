"""Sharing a cycle's audits among its auditors (docs/domain.md#allocation): balanced loads, a mix
of cohorts for each auditor, and never a case of the auditor's own team."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .cohorts import precedence


class AuditToAllocate(NamedTuple):
    audit_id: int
    cohort: str
    team_id: int | None
    staff_ids: frozenset[int]  # the case's allocated worker and manager


@dataclass
class Auditor:
    user_id: int
    capacity: int | None = None  # audits this cycle, in all; None for no set limit
    teams: frozenset[int] = frozenset()  # teams the auditor belongs to or manages
    staff_id: int | None = None  # the auditor's own record in the register, if they hold cases
    load: int = 0  # audits already theirs in this cycle
    cohort_load: dict[str, int] = field(default_factory=dict)

    def conflicts_with(self, audit: AuditToAllocate) -> bool:
        """An auditor never audits their own team's cases, nor a case they hold or manage."""
        return (audit.team_id is not None and audit.team_id in self.teams) or (
            self.staff_id is not None and self.staff_id in audit.staff_ids
        )

    def has_room(self) -> bool:
        return self.capacity is None or self.load < self.capacity


@dataclass
class Allocation:
    assigned: dict[int, int]  # audit id -> auditor's user id
    unassigned: dict[int, str]  # audit id -> why no auditor could take it


def allocate(audits: Iterable[AuditToAllocate], auditors: Sequence[Auditor]) -> Allocation:
    """Give each audit to the eligible auditor with the fewest audits, then the fewest of that cohort
    (then the lowest id, so the result is the same every time). The most constrained audits go first, so
    that a case only one auditor may take is not left without one."""
    audits = list(audits)
    result = Allocation(assigned={}, unassigned={})
    eligible = {a.audit_id: [x for x in auditors if not x.conflicts_with(a)] for a in audits}
    ordered = sorted(
        audits,
        key=lambda a: (len(eligible[a.audit_id]), precedence(a.cohort), a.audit_id),
    )
    for audit in ordered:
        choices = [x for x in eligible[audit.audit_id] if x.has_room()]
        if not choices:
            result.unassigned[audit.audit_id] = (
                "every auditor works in this case's team"
                if not eligible[audit.audit_id]
                else "every auditor is full"
            )
            continue
        chosen = min(choices, key=lambda x: (x.load, x.cohort_load.get(audit.cohort, 0), x.user_id))
        chosen.load += 1
        chosen.cohort_load[audit.cohort] = chosen.cohort_load.get(audit.cohort, 0) + 1
        result.assigned[audit.audit_id] = chosen.user_id
    return result
