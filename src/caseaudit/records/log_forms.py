"""The log search pages' filters, read from the query string. Error messages follow the GOV.UK Design
System's wording; a form with an error keeps what was typed, and no search runs until it is put right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator

from caseaudit.accounts.models import AccessLog, SecurityEvent
from caseaudit.cases.models import Case
from caseaudit.core.register import CHILD_ID_MAX_LENGTH, CHILD_ID_PATTERN
from caseaudit.ui.widgets import DateField

from .log_search import AccessLogFilters, LogFilters, SecurityLogFilters, record_types


class LogSearchForm(forms.Form):
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        strip=True,
        # Only what a username can be: so that nothing else typed here (a name) reaches the access log's
        # record of the search.
        validators=[UnicodeUsernameValidator(message="Enter a username: letters, digits and @ . + - _ only")],
        error_messages={"max_length": "Username must be 150 characters or fewer"},
    )
    date_from = DateField(label="Date from", help_text="For example, 3 11 2026")
    date_to = DateField(label="Date to", help_text="For example, 4 11 2026")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned

    def filled_in(self) -> bool:
        """Whether anything was typed or chosen (valid or not): for "Clear filters"."""
        return any(value.strip() for name, value in self.data.items() if name != "page")

    def _common(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }

    def filters(self) -> LogFilters:
        raise NotImplementedError


class AccessLogSearchForm(LogSearchForm):
    child = forms.CharField(
        label="Child Unique ID",
        required=False,
        max_length=CHILD_ID_MAX_LENGTH,
        strip=True,
        validators=[
            RegexValidator(CHILD_ID_PATTERN, "Enter a Child Unique ID: letters, digits and _ . / - only")
        ],
        error_messages={"max_length": f"Child Unique ID must be {CHILD_ID_MAX_LENGTH} characters or fewer"},
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AccessLog.Action.choices],
        error_messages={"invalid_choice": "Select an action from the list"},
    )
    object_type = forms.ChoiceField(
        label="Record type",
        required=False,
        error_messages={"invalid_choice": "Select a record type from the list"},
    )

    field_order = ("child", "username", "date_from", "date_to", "action", "object_type")

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        # The kinds the log holds: they come from every app, and new ones with new pages.
        kinds = [(kind, kind) for kind in record_types()]
        self.fields["object_type"].choices = [("", "Any type"), *kinds]  # type: ignore[attr-defined]

    def clean_child(self) -> Case | None:
        child_id = self.cleaned_data["child"]
        if not child_id:
            return None
        case = Case.objects.filter(child_id=child_id).first()
        if case is None:
            raise forms.ValidationError("No case in the register has this Child Unique ID")
        return case

    def filters(self) -> AccessLogFilters:
        data = self.cleaned_data
        return AccessLogFilters(
            **self._common(),
            case=data["child"],
            action=data["action"],
            object_type=data["object_type"],
        )


class SecurityLogSearchForm(LogSearchForm):
    event = forms.ChoiceField(
        label="Event",
        required=False,
        choices=[("", "Any event"), *SecurityEvent.Event.choices],
        error_messages={"invalid_choice": "Select an event from the list"},
    )

    def filters(self) -> SecurityLogFilters:
        return SecurityLogFilters(**self._common(), event=self.cleaned_data["event"])
