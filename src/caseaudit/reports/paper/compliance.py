"""Compliance with timescales for the committee paper: counts per check and cohort for the open cases in the
cycle's sample, beside the same counts for the whole register, so that the committee can see whether the
sample is typical (issue 6, "Aggregates in reports")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseaudit.compliance.queries import (
    compliance_summary_for_cycle,
    compliance_summary_for_register,
    timescale_rules,
)
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.timescales import RuleSet
from caseaudit.cycles.models import Cycle


@dataclass(frozen=True)
class ComplianceRow:
    check: str  # the rule's label
    kind: str  # "Statutory" or "Local"
    source: str  # the regulation, guidance or local standard the rule names
    cohort: str  # the cohort's label
    checked: int  # open cases of the cohort in the sample, whether the check applies to them or not
    compliant: int
    overdue: int
    done_late: int  # one-off events done after their deadline: compliant now, the breach still counted
    due_soon: int
    not_applicable: int
    data_missing: int
    register_applies: int  # the same check and cohort across every open case in the register
    register_overdue: int

    @property
    def applies(self) -> int:
        """The cases the check applies to: "3 of 17 care leavers' pathway plans were out of timescale"."""
        return self.checked - self.not_applicable


def compliance_rows(cycle: Cycle, *, as_of: date) -> list[ComplianceRow]:
    """Counts per check and cohort for the open cases in the cycle's sample, checked as at `as_of`, each
    with the register's."""
    rules = timescale_rules()
    register = {
        (row["check"], row["cohort"]): row
        for row in compliance_summary_for_register(as_of).iter_rows(named=True)
    }
    sample = compliance_summary_for_cycle(cycle, as_of).iter_rows(named=True)
    return [_row(row, register.get((row["check"], row["cohort"])), rules) for row in sample]


def _row(row: dict, register: dict | None, rules: RuleSet) -> ComplianceRow:
    register = register or {"applicable": 0, "not_applicable": 0, "overdue": 0}
    rule = rules.get(row["check"])
    return ComplianceRow(
        check=rule.label,
        kind=rule.kind.capitalize(),
        source=rule.source,
        cohort=COHORT_LABELS.get(row["cohort"], row["cohort"]),
        checked=int(row["applicable"]),
        compliant=int(row["compliant"]),
        overdue=int(row["overdue"]),
        done_late=int(row["done_late"]),
        due_soon=int(row["due_soon"]),
        not_applicable=int(row["not_applicable"]),
        data_missing=int(row["data_missing"]),
        register_applies=int(register["applicable"]) - int(register["not_applicable"]),
        register_overdue=int(register["overdue"]),
    )
