"""The compliance page's filters, read from the query string. Error messages follow GOV.UK wording."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from caseaudit.cases.models import Cohort
from caseaudit.core.timescales import RuleSet
from caseaudit.ui.widgets import DateField


class ComplianceFilterForm(forms.Form):
    as_of = DateField(label="Check against", help_text="Leave blank for today. For example, 3 11 2026")
    cohort = forms.ChoiceField(
        label="Cohort",
        required=False,
        choices=[("", "All cohorts"), *Cohort.choices],
        error_messages={"invalid_choice": "Select a cohort from the list"},
    )
    check = forms.ChoiceField(
        label="Check", required=False, error_messages={"invalid_choice": "Select a check from the list"}
    )

    def __init__(self, data: Any, *, rules: RuleSet, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.fields["check"].choices = [  # type: ignore[attr-defined]
            ("", "All checks"),
            *((rule.slug, rule.label) for rule in rules.rules),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters, defaults filled in (today; all cohorts; all checks). An invalid one is dropped
        (and shown as an error) rather than failing the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "as_of": cleaned.get("as_of") or self.today,
            "cohort": cleaned.get("cohort") or "",
            "check": cleaned.get("check") or "",
        }


def filter_query(filters: dict[str, Any], today: date) -> dict[str, str]:
    """The filters as query parameters, leaving out the defaults, so that links stay short."""
    query: dict[str, str] = {}
    as_of: date = filters["as_of"]
    if as_of != today:
        query |= {"as_of_0": str(as_of.day), "as_of_1": str(as_of.month), "as_of_2": str(as_of.year)}
    for name in ("cohort", "check"):
        if filters.get(name):
            query[name] = filters[name]
    return query
