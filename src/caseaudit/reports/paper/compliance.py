"""Compliance with timescales for the committee paper, from the compliance app when it is installed.

The compliance engine arrived separately from the paper (issue 5 asks for it "when present"), so it is
imported lazily: without it, the paper leaves the section out rather than failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.cycles.models import Cycle


@dataclass(frozen=True)
class ComplianceRow:
    check: str  # the rule's label
    cohort: str  # the cohort's label
    checked: int  # open cases of the cohort in the sample, whether the check applies to them or not
    compliant: int
    overdue: int
    due_soon: int
    not_applicable: int
    data_missing: int

    @property
    def applies(self) -> int:
        """The cases the check applies to: "3 of 17 care leavers' pathway plans were out of timescale"."""
        return self.checked - self.not_applicable


def compliance_rows(cycle: Cycle, *, as_of: date) -> list[ComplianceRow] | None:
    """Counts per check and cohort for the open cases in the cycle's sample on `as_of`; None when the
    compliance app is not there."""
    try:
        from caseaudit.compliance.queries import compliance_summary_for_cycle, timescale_rules
    except ImportError:
        return None
    summary = compliance_summary_for_cycle(cycle, as_of)
    rules = timescale_rules()
    return [
        ComplianceRow(
            check=_rule_label(rules, row["check"]),
            cohort=COHORT_LABELS.get(row["cohort"], row["cohort"]),
            checked=int(row["applicable"]),
            compliant=int(row["compliant"]),
            overdue=int(row["overdue"]),
            due_soon=int(row["due_soon"]),
            not_applicable=int(row["not_applicable"]),
            data_missing=int(row["data_missing"]),
        )
        for row in summary.iter_rows(named=True)
    ]


def _rule_label(rules: Any, slug: str) -> str:
    rule = rules.get(slug) if hasattr(rules, "get") else None
    return str(getattr(rule, "label", "") or slug)
