"""Forms for the auditor's feedback to the worker and manager, and the worker's acknowledgement. The
actions in `audits.actions.practice_feedback` decide; their refusals become these forms' errors."""

from __future__ import annotations

from django import forms

from .actions.practice_feedback import REPLY_MAX_LENGTH
from .completion_forms import AuditForm


class PracticeFeedbackForm(AuditForm):
    went_well = forms.CharField(
        label="What went well",
        required=False,
        widget=forms.Textarea,
        help_text="Be specific, so that the worker can do it again: for example, how the child's own words "
        "shaped the plan.",
    )
    next_steps = forms.CharField(
        label="What to do next",
        required=False,
        widget=forms.Textarea,
        help_text="One to three things the worker and manager can do, with the difference each would make "
        "for the child.",
    )


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label="Your reply (optional)",
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="For example, what you have already changed, or what support would help. The auditor "
        "reads it.",
        error_messages={"max_length": f"Your reply must be {REPLY_MAX_LENGTH:,} characters or fewer"},
    )
