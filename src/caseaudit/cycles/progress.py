"""How far a cycle has got: audits by status, per auditor and per cohort, and what is overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from caseaudit.accounts.models import User
from caseaudit.audits.models import DONE, NOT_WORK, AuditStatus
from caseaudit.core.cohorts import COHORT_LABELS

__all__ = ["COUNTED", "DONE", "NOT_WORK", "cycle_counts", "cycle_progress"]

from .models import Cycle


@dataclass
class ProgressRow:
    label: str
    counts: dict[str, int] = field(default_factory=dict)  # status -> audits
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in DONE)

    def by_status(self) -> list[int]:
        return [self.counts.get(s, 0) for s in COUNTED]


@dataclass
class Progress:
    by_auditor: list[ProgressRow]
    by_cohort: list[ProgressRow]
    total: ProgressRow
    is_overdue: bool  # the window has ended
    withdrawn: int = 0  # audits of closed cases taken out of the cycle


# A withdrawn audit is no longer part of the cycle's work: counted apart, never in the totals or overdue.
COUNTED = [s for s in AuditStatus.values if s != AuditStatus.WITHDRAWN]

_NOBODY = ("Not allocated", "Auditor not recorded")  # rows of audits without an auditor come last


@dataclass(frozen=True)
class GroupCount:
    """How many of a cycle's audits share an auditor, cohort, selection reason and status."""

    auditor_id: int | None
    cohort: str  # the case's cohort when it was sampled, which the audit keeps
    reason: str
    status: str
    n: int


def cycle_counts(cycle: Cycle) -> list[GroupCount]:
    """The cycle's audits counted by auditor, cohort, reason and status: one grouped pass over the audits'
    own columns (no join), from which the cycle page draws its sample's make-up and its progress."""
    rows = cycle.audits.values_list("auditor_id", "cohort", "reason", "status").annotate(n=Count("pk"))
    return [GroupCount(*row) for row in rows.order_by()]


def cycle_progress(cycle: Cycle, *, today: date, counts: list[GroupCount] | None = None) -> Progress:
    """Counts per auditor and per cohort, from `cycle_counts` (read here unless given) and the auditors'
    names. An audit not yet submitted after the cycle's end date is overdue."""
    past_deadline = today > cycle.ends_on
    counts = cycle_counts(cycle) if counts is None else counts
    ids = {count.auditor_id for count in counts if count.auditor_id is not None}
    names = {
        pk: f"{first} {last}".strip() or username
        for pk, username, first, last in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "first_name", "last_name"
        )
    }
    auditors: dict[str, ProgressRow] = {}
    cohorts: dict[str, ProgressRow] = {}
    total = ProgressRow("All audits")
    withdrawn = 0
    for count in counts:
        cohort, status, n = count.cohort, count.status, count.n
        if status == AuditStatus.WITHDRAWN:
            withdrawn += n
            continue
        if count.auditor_id is not None:
            label = names[count.auditor_id]
        else:
            # A done audit without an auditor was imported from past records that named none.
            label = "Auditor not recorded" if status in DONE else "Not allocated"
        for row in (
            auditors.setdefault(label, ProgressRow(label)),
            cohorts.setdefault(cohort, ProgressRow(COHORT_LABELS.get(cohort, cohort))),
            total,
        ):
            row.counts[status] = row.counts.get(status, 0) + n
            if past_deadline and status not in NOT_WORK:
                row.overdue += n
    ordered_cohorts = [cohorts[c] for c in COHORT_LABELS if c in cohorts]
    return Progress(
        by_auditor=sorted(auditors.values(), key=lambda r: (r.label in _NOBODY, r.label)),
        by_cohort=ordered_cohorts,
        total=total,
        is_overdue=past_deadline,
        withdrawn=withdrawn,
    )
