"""The forms of the people pages. Checking is `checking.check_fields`, shared with the command line and
the import, so a page and a spreadsheet refuse the same things in the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from caseaudit.accounts.models import User
from caseaudit.ui.forms import VersionedForm

from .checking import AccountFields, check_fields
from .fields import ROLE_LABELS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class AccountForm(forms.Form):
    username = forms.CharField(label="Username", required=False, help_text="What they type to sign in.")
    name = forms.CharField(label="Full name", required=False)
    email = forms.CharField(
        label="Email address (optional)",
        required=False,
        help_text="Their link to choose a password goes here.",
    )
    role = forms.ChoiceField(label="Role", choices=list(ROLE_LABELS.items()), required=False)
    team = forms.CharField(
        label="Team (optional)",
        required=False,
        help_text="Their team in the case register. A new team name adds the team.",
    )
    staff = forms.CharField(
        label="Name in the case register (optional)",
        required=False,
        help_text="As the case management system spells it, so that their cases are theirs. "
        "Leave it empty to use their full name when you give a team.",
    )
    capacity = forms.CharField(
        label="Audits per cycle (auditors only, optional)",
        required=False,
        help_text="Empty for no set limit.",
    )

    account: User | None = None

    def __init__(self, *args: Any, account: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["role"].error_messages["invalid_choice"] = "Choose a role"
        self.checked: AccountFields | None = None

    @property
    def role_choice(self) -> forms.BoundField:
        """The role field, for the template (which names no role attribute, see tests/test_policy.py)."""
        return self["role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.checked, problems = check_fields(data, self.account)
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class ChangeAccountForm(VersionedForm, AccountForm):
    thing = "account"


class VersionOnlyForm(VersionedForm):
    """Deactivate, reactivate: the version of the account the page showed."""

    thing = "account"


class UploadForm(forms.Form):
    accounts_file = forms.FileField(label="Upload a file", required=False)
    deactivate_missing = forms.BooleanField(
        label="Deactivate the active accounts that are not in the file", required=False
    )

    def clean_accounts_file(self) -> Any:
        upload = self.cleaned_data.get("accounts_file")
        if upload is None:
            raise forms.ValidationError("Select a CSV file or an Excel workbook (.xlsx)")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload


class ChoosePasswordForm(SetPasswordForm):
    """Django's form: the password validators in settings, and the same password typed twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Password"
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].error_messages["required"] = "Type the password again"
