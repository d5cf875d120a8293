from __future__ import annotations

from django import forms

from caseaudit.ui.widgets import Radios


class EmailChoiceForm(forms.Form):
    email = forms.TypedChoiceField(
        label="How do you want to hear of new work?",
        choices=[("yes", "In the app and by email"), ("no", "In the app only")],
        coerce=lambda value: value == "yes",
        widget=Radios,
        help_text="Safeguarding concerns and links to set your password are always emailed.",
        error_messages={"required": "Choose how you want to hear of new work"},
    )
