from __future__ import annotations

from django import forms
from django.conf import settings

from .actions import MOST_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=80,
        help_text="For example, Power BI dashboard, or the warehouse's nightly load",
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "What the token is for must be 80 characters or fewer",
        },
    )
    expires_days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=MOST_DAYS,
        initial=settings.CASEAUDIT_API_TOKEN_DAYS,
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Days until it expires must be a whole number, like 90",
            "min_value": "A token lasts at least 1 day",
            "max_value": f"A token lasts at most {MOST_DAYS} days",
        },
    )
