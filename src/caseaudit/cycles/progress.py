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

    @property
    def figures(self) -> list[str]:
        """The row's cells as the table shows them, "1,204": audits by status, then the total. Written here
        rather than by the template's filters, which for a hundred auditors' rows took a tenth of the page."""
        return [f"{n:,}" for n in (*self.by_status(), self.total)]

    @property
    def overdue_text(self) -> str:
        return f"{self.overdue:,}"


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
class CycleCounts:
    """A cycle's audits counted two ways, from the index of the audits' own columns (no join): by auditor
    and status (a few hundred rows for a hundred auditors), and by cohort, selection reason and status (a
    few dozen). Counted by all four at once, the same audits make thousands of rows, each read and added up
    again here: most of the cycle page's time. The cohort is the one the case was sampled in, which the audit
    keeps."""

    by_auditor: list[tuple[int | None, str, int]]  # auditor id, status, audits
    by_cohort: list[tuple[str, str, str, int]]  # cohort, reason, status, audits

    @property
    def unallocated(self) -> int:
        return sum(n for auditor_id, _, n in self.by_auditor if auditor_id is None)


def cycle_counts(cycle: Cycle) -> CycleCounts:
    """The counts the cycle page draws its sample's make-up and its progress from: two grouped queries."""
    audits = cycle.audits.order_by()
    return CycleCounts(
        by_auditor=list(audits.values_list("auditor_id", "status").annotate(n=Count("*"))),
        by_cohort=list(audits.values_list("cohort", "reason", "status").annotate(n=Count("*"))),
    )


def cycle_progress(cycle: Cycle, *, today: date, counts: CycleCounts | None = None) -> Progress:
    """Counts per auditor and per cohort, from `cycle_counts` (read here unless given) and the auditors'
    names. An audit not yet submitted after the cycle's end date is overdue."""
    past_deadline = today > cycle.ends_on
    counts = cycle_counts(cycle) if counts is None else counts
    ids = {auditor_id for auditor_id, _, _ in counts.by_auditor if auditor_id is not None}
    names = {
        pk: f"{first} {last}".strip() or username
        for pk, username, first, last in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "first_name", "last_name"
        )
    }

    def add(row: ProgressRow, status: str, n: int) -> None:
        row.counts[status] = row.counts.get(status, 0) + n
        if past_deadline and status not in NOT_WORK:
            row.overdue += n

    # A withdrawn audit is counted apart (COUNTED), never in the rows.
    auditors: dict[str, ProgressRow] = {}
    for auditor_id, status, n in counts.by_auditor:
        if status == AuditStatus.WITHDRAWN:
            continue
        if auditor_id is not None:
            label = names[auditor_id]
        else:
            # A done audit without an auditor was imported from past records that named none.
            label = "Auditor not recorded" if status in DONE else "Not allocated"
        add(auditors.setdefault(label, ProgressRow(label)), status, n)
    cohorts: dict[str, ProgressRow] = {}
    total = ProgressRow("All audits")
    withdrawn = 0
    for cohort, _, status, n in counts.by_cohort:
        if status == AuditStatus.WITHDRAWN:
            withdrawn += n
            continue
        add(cohorts.setdefault(cohort, ProgressRow(COHORT_LABELS.get(cohort, cohort))), status, n)
        add(total, status, n)
    ordered_cohorts = [cohorts[c] for c in COHORT_LABELS if c in cohorts]
    return Progress(
        by_auditor=sorted(auditors.values(), key=lambda r: (r.label in _NOBODY, r.label)),
        by_cohort=ordered_cohorts,
        total=total,
        is_overdue=past_deadline,
        withdrawn=withdrawn,
    )
