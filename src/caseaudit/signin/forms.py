from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from caseaudit.accounts.forms import SignInForm
from caseaudit.web.client import client_address

from . import lockout
from .events import sign_in_failed
from .models import FailedSignIn


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app"},
    )


WRONG_CODE = "The code is not right: enter the 6-digit code your authenticator app shows now"


class LockingSignInForm(SignInForm):
    """The password step, with the lockout (`lockout`): a locked username or address is refused before
    the password is checked, each failure is counted, and a right password clears the username's count."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()
        address = client_address(self.request) if self.request else None
        if lockout.is_locked(username, address):
            lockout.refuse(username, address)
            sign_in_failed(username, "refused: locked out")
            raise ValidationError(lockout.LOCKED_MESSAGE, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            sign_in_failed(username, "wrong password, or no such active account")
            if lockout.record_failure(username, address, FailedSignIn.Reason.WRONG_PASSWORD):
                raise ValidationError(lockout.LOCKED_MESSAGE, code="locked") from None
            raise
        lockout.succeeded(username)
        return cleaned
