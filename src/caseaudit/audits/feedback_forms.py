"""Forms for feedback: the questions (online and on paper), a new link, and a paper form's details.

The forms check what was typed; the actions in `caseaudit.audits.actions.feedback` check it again and
decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from caseaudit.ui.widgets import DateField, Radios

from .feedback import NOTHING_ANSWERED, TEXT_MAX_LENGTH, questions_for
from .models import Respondent


class AnswersForm(forms.Form):
    """One field per question for `respondent`, named by the question's slug. Every question may be left
    empty, but not all of them."""

    def __init__(self, *args: Any, respondent: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.respondent = respondent
        self.questions = questions_for(respondent)
        for question in self.questions:
            if question.is_choice:
                self.fields[question.slug] = forms.ChoiceField(
                    label=question.text,
                    choices=question.choices,
                    required=False,
                    widget=Radios,
                    help_text=question.hint,
                )
            else:
                self.fields[question.slug] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea,
                    help_text=question.hint,
                    error_messages={
                        "max_length": f"Your answer must be {TEXT_MAX_LENGTH} characters or fewer"
                    },
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any((cleaned.get(q.slug) or "").strip() for q in self.questions):
            raise forms.ValidationError(NOTHING_ANSWERED)
        return cleaned

    def answers(self) -> dict[str, str]:
        return {q.slug: self.cleaned_data.get(q.slug) or "" for q in self.questions}

    def rows(self) -> list[tuple[Any, bool]]:
        """(bound field, is it a choice) for the template."""
        return [(self[q.slug], q.is_choice) for q in self.questions]


class NewLinkForm(forms.Form):
    respondent = forms.ChoiceField(
        label="Who is the link for?",
        choices=Respondent.choices,
        widget=Radios,
        error_messages={"required": "Select who the link is for"},
    )


class PaperDetailsForm(forms.Form):
    received_on = DateField(label="Date the form was received", help_text="For example, 27 3 2026")

    def clean_received_on(self) -> date:
        value = self.cleaned_data.get("received_on")
        if value is None:
            raise forms.ValidationError("Enter the date the form was received")
        return value
