"""The forms of the audit-history import pages. Error messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from caseaudit.cases.forms import UPLOAD_EXTENSIONS, max_upload_text


class HistoryUploadForm(forms.Form):
    history_file = forms.FileField(
        label="Upload the audit history",
        error_messages={
            "required": "Select a CSV file or an XLSX workbook",
            "empty": "The selected file is empty",
        },
    )

    def clean_history_file(self) -> UploadedFile:
        """Checked before anything is written to disk: the file's type by its name, and its size."""
        upload: UploadedFile = self.cleaned_data["history_file"]
        if Path(upload.name or "").suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError("The selected file must be a CSV or an XLSX workbook")
        if upload.size is not None and upload.size > settings.CASEAUDIT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {max_upload_text()}")
        return upload


class HistoryConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
