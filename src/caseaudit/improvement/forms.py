"""Forms for safeguarding concerns. The action functions in `actions.concerns` decide; these check what was
typed."""

from __future__ import annotations

from django import forms

from .escalation import DESCRIPTION_REQUIRED, RESPONSE_REQUIRED

TEXT_MAX_LENGTH = 10_000


class RaiseConcernForm(forms.Form):
    description = forms.CharField(
        label="What is the concern?",
        help_text="Say what you found in the record and why the child may be at risk now. "
        "Do not write the child's name.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"required": DESCRIPTION_REQUIRED},
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Response",
        help_text="What has been done, or will be done today, to keep the child safe, and by whom.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"required": RESPONSE_REQUIRED},
    )
