"""Forms for the moderation page: agree, change the grade, or return the audit. Each carries the version of
the audit the moderator saw, so that a change made on a stale page is refused (see `caseaudit.locking`).

The forms check what was typed; the rules of moderation live in the actions (`actions.moderation`), whose
refusals the view adds to these forms."""

from __future__ import annotations

from typing import Any

from django import forms

from caseaudit.ui.forms import VersionedForm
from caseaudit.ui.widgets import Radios

from .models import GradeScale
from .moderation import COMMENTS_MAX_LENGTH


class _Versioned(VersionedForm):
    thing = "audit"
    action = ""  # the value of the submit button's `action` field that picks this form

    def __init__(self, data: Any = None, *, version: int, **kwargs: Any) -> None:
        super().__init__(data, prefix=self.action, initial={"version": version}, **kwargs)


class AgreeForm(_Versioned):
    action = "agree"


class ChangeGradeForm(_Versioned):
    action = "change"
    grade = forms.ChoiceField(
        label="New grade",
        widget=Radios,
        error_messages={
            "required": "Select the new grade",
            "invalid_choice": "Select a grade on the scale",
        },
    )
    reason = forms.CharField(
        label="Reason for the change",
        help_text="The auditor and the QA team will see this in the audit's history.",
        max_length=COMMENTS_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for changing the grade",
            "max_length": f"The reason must be {COMMENTS_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, data: Any = None, *, version: int, scale: GradeScale | None, **kwargs: Any) -> None:
        super().__init__(data, version=version, **kwargs)
        grade = self.fields["grade"]
        assert isinstance(grade, forms.ChoiceField)
        grade.choices = [(g["slug"], g["label"]) for g in (scale.grades if scale else [])]
        self.descriptors = {g["slug"]: g.get("descriptor", "") for g in (scale.grades if scale else [])}

    def grade_options(self) -> list[dict[str, Any]]:
        """Each radio with its descriptor as a hint, for the template."""
        field = self["grade"]
        return [
            {
                "value": choice.data["value"],
                "label": choice.choice_label,
                "id": choice.id_for_label,
                "checked": str(field.value()) == str(choice.data["value"]),
                "hint": self.descriptors.get(str(choice.data["value"]), ""),
            }
            for choice in field.subwidgets
        ]


class ReturnForm(_Versioned):
    action = "return"
    comments = forms.CharField(
        label="Comments for the auditor",
        help_text="Say what more work the audit needs before it is submitted again.",
        max_length=COMMENTS_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter comments for the auditor",
            "max_length": f"The comments must be {COMMENTS_MAX_LENGTH} characters or fewer",
        },
    )


class StatisticsFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label="Cycle", required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any = None, *, cycles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.TypedChoiceField)
        cycle.choices = [("", "All cycles and historical audits"), *cycles]
