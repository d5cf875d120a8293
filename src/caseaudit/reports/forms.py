"""Forms for the reports: the filters of the grade table, the analysts' export, and the committee paper's
regenerate, issue and words. Error messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

from typing import Any

from django import forms

from caseaudit.cases.models import Cohort
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.cycles.models import AUDIT_TYPE_CHOICES, Cycle, CycleStatus
from caseaudit.ui.widgets import DateField, Radios

from .actions import DRAFT_CHANGED
from .audit_export import ExportFilter
from .paper.story import KEYS, STORY

BY_LABELS = [("year", "Year"), ("cycle", "Audit cycle")]
SOURCE_LABELS = [("moderated", "Moderated grades"), ("auditor", "Auditors' grades")]
DEFAULTS = {"audit_type": CASE_FILE, "by": "year", "cohort": "", "grade_source": "moderated"}


class GradeFilterForm(forms.Form):
    """The grade table's filters, read from the query string. An invalid value is dropped (and shown as an
    error) rather than failing the whole page."""

    audit_type = forms.ChoiceField(
        label="Kind of audit",
        required=False,
        choices=AUDIT_TYPE_CHOICES,
        error_messages={"invalid_choice": "Select a kind of audit from the list"},
    )
    by = forms.ChoiceField(
        label="Count by",
        required=False,
        choices=BY_LABELS,
        widget=Radios,
        error_messages={"invalid_choice": "Select year or audit cycle"},
    )
    cohort = forms.ChoiceField(
        label="Cohort",
        required=False,
        choices=[("", "All cohorts"), *Cohort.choices],
        error_messages={"invalid_choice": "Select a cohort from the list"},
    )
    grade_source = forms.ChoiceField(
        label="Grades",
        required=False,
        choices=SOURCE_LABELS,
        widget=Radios,
        error_messages={"invalid_choice": "Select moderated grades or auditors' grades"},
    )

    def filters(self) -> dict[str, str]:
        """The valid filters, with the defaults filled in."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or default for name, default in DEFAULTS.items()}


class AuditExportForm(forms.Form):
    """The analysts' export: format, which audits, and (for the QA lead only) the identifiable version."""

    file_format = forms.ChoiceField(
        label="File format",
        choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel spreadsheet)")],
        widget=Radios,
        initial="csv",
        error_messages={"required": "Select a file format", "invalid_choice": "Select CSV or XLSX"},
    )
    cycle = forms.ChoiceField(
        label="Audit cycle",
        required=False,
        error_messages={"invalid_choice": "Select an audit cycle from the list"},
    )
    since = DateField(
        label="Earliest audit date",
        help_text="Optional: only audits completed on or after this date. For example, 1 4 2024",
    )
    identifiable = forms.BooleanField(
        label="Include child ids, teams and names",
        required=False,
        help_text="Adds the audit id, Child Unique ID, team, auditor and allocated worker to every row.",
    )

    def __init__(self, *args: Any, may_identify: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cycles = Cycle.objects.exclude(status=CycleStatus.DRAFT).order_by("-starts_on", "name")
        self.fields["cycle"].choices = [  # type: ignore[attr-defined]
            ("", "Every cycle, and audits in no cycle"),
            *((str(c.pk), c.name) for c in cycles),
        ]
        self.cycles = {str(c.pk): c for c in cycles}
        if not may_identify:
            del self.fields["identifiable"]

    def export_filter(self) -> ExportFilter:
        return ExportFilter(
            cycle=self.cycles.get(self.cleaned_data.get("cycle") or ""), since=self.cleaned_data.get("since")
        )


NOTE_MAX_LENGTH = 2000


class RegeneratePaperForm(forms.Form):
    """Which of the cycle's drafts to draw again: in moderated or auditors' grades."""

    grade_source = forms.ChoiceField(choices=SOURCE_LABELS, widget=forms.HiddenInput)


class IssuePaperForm(forms.Form):
    """Issuing the draft the QA lead looked at (its id and the SHA-256 of its PDF), with what changed."""

    draft = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        if number == 1:
            note.label = "Note (optional)"
            note.help_text = "Anything the committee should know about this first version."
        else:
            note.label = f"What changed since version {number - 1}?"
            note.help_text = (
                "This is kept with the version and shown beside it, for example \u201cModeration of the "
                "last five audits finished\u201d. Counts only: name no child and no member of staff."
            )

    def clean(self) -> dict[str, Any]:
        # The hidden fields come from the page: if they are lost, say so where the person can see it.
        if "draft" in self.errors or "sha256" in self.errors:
            raise forms.ValidationError(DRAFT_CHANGED)
        return super().clean() or {}


# How long each of the paper's words may be: a detail is a line, a section a page or so.
DETAIL_MAX_LENGTH = 200
WORDS_MAX_LENGTH = 10_000


class PaperStoryForm(forms.Form):
    """The paper's words (reports/paper/story.py): a field for each, the meeting's date, and the version
    of the words the page was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    meeting_on = DateField(label="Meeting date", help_text="For example, 12 3 2027")
    compliance_on = DateField(
        label="Check compliance as at",
        help_text="The day the compliance section checks the timescales on. Leave it empty for the "
        "cycle's last day. For example, 30 11 2026",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for text in STORY:
            limit = DETAIL_MAX_LENGTH if text.one_line else WORDS_MAX_LENGTH
            self.fields[text.key] = forms.CharField(
                label=text.label,
                help_text=text.hint,
                required=False,
                strip=False,  # kept as typed; story.kept compares them with the draft
                max_length=limit,
                widget=forms.TextInput if text.one_line else forms.Textarea,
                error_messages={"max_length": f"{text.label} must be {limit:,} characters or fewer"},
            )

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in KEYS}
