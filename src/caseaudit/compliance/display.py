"""Words and rows for showing compliance results: the same labels on the pages and in the command line."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.timescales import Rule, RuleSet, Status

STATUS_LABELS: dict[str, str] = {
    Status.COMPLIANT: "Compliant",
    Status.OVERDUE: "Overdue",
    Status.DUE_SOON: "Due soon",
    Status.DATA_MISSING: "Data missing",
    Status.NOT_APPLICABLE: "Not applicable",
}
# GOV.UK tag colours: overdue red, due soon yellow, compliant green, data missing and not applicable grey.
STATUS_TAG_CLASSES: dict[str, str] = {
    Status.COMPLIANT: "govuk-tag--green",
    Status.OVERDUE: "govuk-tag--red",
    Status.DUE_SOON: "govuk-tag--yellow",
    Status.DATA_MISSING: "govuk-tag--grey",
    Status.NOT_APPLICABLE: "govuk-tag--grey",
}
# The summary's count column for each status (summarise() names them with underscores).
STATUS_COLUMNS: dict[str, str] = {status.value: status.value.replace("-", "_") for status in Status}
# The order the pages and the text summary list the statuses in.
SHOWN_STATUSES = (
    Status.COMPLIANT,
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.DATA_MISSING,
    Status.NOT_APPLICABLE,
)
RESULT_COLUMNS = ("child_id", "cohort", "check", "due_date", "status", "days_overdue", "days_late")


def kind_label(kind: str) -> str:
    """ "Statutory" or "Local": what the law requires, or a standard the authority sets itself."""
    return kind.capitalize()


def rule_records(rules: RuleSet) -> dict[str, list[dict[str, str]]]:
    """Each rule in words, for the page that explains them: `checked` (the rules applied) and `off` (shipped
    but not checked unless the authority turns them on): label, kind, cohorts, description and source."""

    def described(rule: Rule) -> dict[str, str]:
        cohorts = ", ".join(COHORT_LABELS.get(c, c) for c in rule.cohorts)
        every = len(rule.cohorts) == len(COHORT_LABELS)
        return {
            "label": rule.label,
            "kind": kind_label(rule.kind),
            "cohorts": "Every cohort" if every else cohorts,
            "description": rule.description,
            "source": rule.source or "Not named in the rules file",
        }

    return {"checked": [described(r) for r in rules.rules], "off": [described(r) for r in rules.off]}


def check_label(rules: RuleSet, slug: str) -> str:
    try:
        return rules.get(slug).label
    except KeyError:
        return slug


def status_text(status: str, days_overdue: int | None) -> str:
    """The words inside a status tag: "12 days overdue", "Due soon", ..."""
    if status == Status.OVERDUE and days_overdue is not None:
        return f"{days_overdue} day{'' if days_overdue == 1 else 's'} overdue"
    return STATUS_LABELS.get(status, status)


def rules_description(rules: RuleSet) -> dict[str, Any]:
    described: dict[str, Any] = {"name": rules.name, "version": rules.version}
    if rules.local_name:
        described["local"] = {"name": rules.local_name, "version": rules.local_version}
    return described


def summary_line(row: dict[str, Any], rules: RuleSet) -> str:
    """ "Pathway plan review, Care leaver: 17 cases, 12 compliant, 3 overdue, 2 due soon, 0 data missing"
    (and how many the rule does not apply to, when any)."""
    cases = row["applicable"]
    parts = [f"{cases} case{'' if cases == 1 else 's'}"]
    for status in SHOWN_STATUSES:
        count = row[STATUS_COLUMNS[status]]
        if status != Status.NOT_APPLICABLE or count:
            parts.append(f"{count} {STATUS_LABELS[status].lower()}")
    cohort = COHORT_LABELS.get(row["cohort"], row["cohort"])
    return f"{check_label(rules, row['check'])}, {cohort}: {', '.join(parts)}"


def result_records(results: pl.DataFrame) -> list[dict[str, Any]]:
    """The result rows as plain values (dates as ISO text), in RESULT_COLUMNS."""
    return [
        {**row, "due_date": _iso(row["due_date"])}
        for row in results.select(RESULT_COLUMNS).iter_rows(named=True)
    ]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
