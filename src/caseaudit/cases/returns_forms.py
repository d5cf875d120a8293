"""The form for uploading a statutory return: several CSV files at once, and the collection year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from caseaudit.ui.widgets import DateField

from .forms import max_upload_text

MOST_FILES = 20


class _SeveralFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class _SeveralFilesField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(_SeveralFilesField, self).clean(one, initial) for one in files]


class ReturnUploadForm(forms.Form):
    # Not "files": a form keeps its uploads under that name.
    tables = _SeveralFilesField(
        label="Upload a statutory return",
        widget=_SeveralFiles(attrs={"accept": ".csv,.xml"}),
        help_text="The SSDA903 return: select every CSV table at once (Header, Episodes, Reviews, UASC, "
        "OC2, OC3, Missing, PrevPerm, PlacedAdoption). Or the Children in Need census: its XML file.",
        error_messages={
            "required": "Select the return's files",
            "empty": "One of the selected files is empty",
        },
    )
    year = forms.IntegerField(
        label="Collection year (optional)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The year the return ends in: 2026 for April 2025 to March 2026. Dates after its end are "
        "refused.",
        error_messages={
            "invalid": "Collection year must be a number, like 2026",
            "min_value": "Collection year must be 2000 or later",
            "max_value": "Collection year must be 2100 or earlier",
        },
    )

    extracted_on = DateField(
        label="Date extracted",
        help_text="Optional. The day the return was taken from your case management system: each case's "
        "page names it beside the dates the return brings. If you leave it blank, the census's own header "
        "says. For example, 2 4 2026",
    )

    def clean_tables(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["tables"]
        if len(files) > MOST_FILES:
            raise forms.ValidationError(f"Select {MOST_FILES} files or fewer: a return has about ten tables")
        suffixes = {Path(upload.name or "").suffix.lower() for upload in files}
        if suffixes == {".xml"} and len(files) > 1:
            raise forms.ValidationError(
                "Select one Children in Need census at a time: it is a single XML file"
            )
        if suffixes - {".csv"} and suffixes != {".xml"}:
            strange = next(u.name for u in files if Path(u.name or "").suffix.lower() != ".csv")
            raise forms.ValidationError(
                f"{strange} must be a CSV table of the SSDA903 return, or the census's one XML file"
            )
        if sum(upload.size or 0 for upload in files) > settings.CASEAUDIT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected files must be smaller than {max_upload_text()} in all")
        return files


class ReturnConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
