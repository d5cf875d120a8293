"""Forms for the tracker's pages. They check what was typed; the action functions of `actions.tracker`
decide, and the views add their refusals to these forms (`ui.submission.submit`). Every form that changes an
action carries its version, so a change made on a page someone else has since changed is refused rather
than overwriting theirs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from caseaudit.accounts.models import User
from caseaudit.audits.completion_forms import OwnerChoiceField
from caseaudit.cases.models import Team
from caseaudit.cycles.models import Cycle
from caseaudit.ui import forms as ui_forms
from caseaudit.ui.widgets import DateField, Radios

from .models import ActionStatus
from .tracker import TEXT_MAX


class VersionedForm(ui_forms.VersionedForm):
    thing = "action"


def _text(label: str, *, help_text: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=bool(required),
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={"required": required} if required else {},
    )


class UpdateForm(VersionedForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (ActionStatus.OPEN, "Open"),
            (ActionStatus.IN_PROGRESS, "In progress"),
            (ActionStatus.DONE, "Done"),
        ],
        widget=Radios,
        error_messages={
            "required": "Select the status",
            "invalid_choice": "Select open, in progress or done",
        },
    )
    note = _text(
        "Progress note", help_text="What has happened since the last update. Do not write the child's name."
    )
    evidence = _text(
        "Evidence that it is done",
        help_text="Needed when you mark it done: what shows it was done, and where the QA lead can check it "
        "(for example, the date of the supervision note in the case record).",
    )


class VerifyForm(VersionedForm):
    note = _text("Note (optional)", help_text="For example, what you checked.")


class ReasonForm(VersionedForm):
    reason = _text("Reason", required="Enter the reason")


class _OwnerAndDueDate(forms.Form):
    """An owner from the people given and a due date: reassigning an action, adding a recommendation."""

    owner = OwnerChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Select an owner",
        error_messages={"required": "Select an owner", "invalid_choice": "Select an owner from the list"},
    )
    due_on = DateField(label="Due date", help_text="For example, 27 3 2027")
    due_on_required = "Enter the date the action is due"

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners

    def clean_due_on(self) -> Any:
        value = self.cleaned_data.get("due_on")
        if value is None:
            raise forms.ValidationError(self.due_on_required)
        return value


class OwnerDueForm(VersionedForm, _OwnerAndDueDate):
    pass


class RecommendationForm(_OwnerAndDueDate):
    # In the order the page asks, so that the error summary lists them so.
    field_order = ["cycle", "text", "owner", "team", "due_on"]
    due_on_required = "Enter the date the recommendation is due"

    cycle = forms.ModelChoiceField(
        label="Cycle",
        queryset=Cycle.objects.exclude(status="draft").order_by("-starts_on"),
        empty_label="Select the cycle",
        help_text="The cycle whose report makes the recommendation.",
        error_messages={"required": "Select the cycle", "invalid_choice": "Select a cycle from the list"},
    )
    text = _text(
        "Recommendation",
        help_text="What must change in practice, specific enough to check later.",
        required="Enter the recommendation",
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="No particular team",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
