"""Forms for completing an audit. They check what was typed; the actions in `audits.actions.completion`
decide, and their refusals become these forms' errors. Every form carries the audit's version, so a change
made on a page someone else has since changed is refused rather than silently overwriting theirs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from caseaudit.accounts.models import User
from caseaudit.core.audit_tools import Section
from caseaudit.ui.forms import VersionedForm
from caseaudit.ui.widgets import DateField, Radios

from .models import EvidenceSource, FindingKind, GradeScale, Theme, ThemeKind


class AuditForm(VersionedForm):
    """A form that changes an audit, on the version the page showed."""

    thing = "audit"


def _grade_choices(scale: GradeScale | None) -> list[tuple[str, str]]:
    return [(g["slug"], g["label"]) for g in scale.grades] if scale else []


class SectionForm(AuditForm):
    """A section: grade radios (with the scale's descriptors), evidence, analysis and the questions. Drafts
    save partial content, so no field is required."""

    def __init__(self, *args: Any, section: Section, scale: GradeScale | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.scale = scale
        self.fields["grade"] = forms.ChoiceField(
            label="Grade", choices=_grade_choices(scale), required=False, widget=Radios
        )
        self.fields["evidence"] = forms.CharField(
            label="Evidence",
            required=False,
            widget=forms.Textarea,
            help_text="What you found in the record and heard from the people you spoke to.",
        )
        self.fields["analysis"] = forms.CharField(
            label="Analysis",
            required=False,
            widget=forms.Textarea,
            help_text="What the evidence tells you about the child's experience, and why it led to the "
            "grade.",
        )
        for question in section.questions:
            name = f"q_{question.slug}"
            if question.kind == "yes-no":
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=[("yes", "Yes"), ("no", "No")],
                    required=False,
                    widget=Radios,
                    help_text=question.guidance,
                )
            else:
                hint = question.guidance
                if question.kind == "date":
                    hint = f"{hint} For example, 27 3 2026.".strip()
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    widget=forms.Textarea if question.kind == "text" else forms.TextInput,
                    help_text=hint,
                )

    def question_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(q.kind, self[f"q_{q.slug}"]) for q in self.section.questions]

    def grade_options(self) -> list[dict[str, str]]:
        return list(self.scale.grades) if self.scale else []

    def answers(self) -> dict[str, str]:
        return {q.slug: self.cleaned_data.get(f"q_{q.slug}") or "" for q in self.section.questions}


class EvidenceForm(AuditForm):
    source = forms.ChoiceField(
        label="Source of evidence",
        error_messages={"required": "Select the source of evidence", "invalid_choice": "Select a source"},
    )
    used_on = DateField(label="Date used", help_text="For example, 27 3 2026")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example, who you spoke to, by their role.",
    )

    def __init__(self, *args: Any, sources: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EvidenceSource.choices)
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ChoiceField)
        source_field.choices = [("", "Select a source")] + [(s, labels.get(s, s)) for s in sources]

    def clean_used_on(self) -> Any:
        value = self.cleaned_data.get("used_on")
        if value is None:
            raise forms.ValidationError("Enter the date the source was used")
        return value


class RemoveForm(AuditForm):
    """Remove a source of evidence, named by `item`."""

    item = forms.CharField(max_length=60)


class RemoveByIdForm(AuditForm):
    """Remove a finding or an action, named by its id in `item`."""

    item = forms.IntegerField(min_value=1)


class ThemeChoiceField(forms.ModelChoiceField):
    """A theme, saying when it is for one kind of finding only."""

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Theme)
        return obj.label if obj.kind == ThemeKind.BOTH else f"{obj.label} ({obj.get_kind_display().lower()})"


class FindingForm(AuditForm):
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=FindingKind.choices,
        widget=Radios,
        error_messages={"required": "Select whether the finding is a strength or an issue"},
    )
    theme = ThemeChoiceField(
        label="Theme",
        queryset=Theme.objects.none(),
        empty_label="Select a theme",
        error_messages={"required": "Select a theme", "invalid_choice": "Select a theme from the list"},
    )
    text = forms.CharField(
        label="Finding",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Describe the finding"},
    )

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme_field = self.fields["theme"]
        assert isinstance(theme_field, forms.ModelChoiceField)
        theme_field.queryset = themes


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        name = obj.staff.name if obj.staff else (obj.get_full_name() or obj.username)
        return f"{name} ({obj.get_role_display()})"


class ActionForm(AuditForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea,
        max_length=5000,
        help_text="What must be done for this child, specific enough to check later.",
        error_messages={"required": "Describe the action"},
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Select an owner",
        error_messages={"required": "Select an owner", "invalid_choice": "Select an owner from the list"},
    )
    due_on = DateField(label="Due date", help_text="For example, 27 3 2027")

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners

    def clean_due_on(self) -> Any:
        value = self.cleaned_data.get("due_on")
        if value is None:
            raise forms.ValidationError("Enter the date the action is due")
        return value


class OverallForm(AuditForm):
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea,
        help_text="Why this grade: what made the difference for the child, and what held it back.",
    )

    def __init__(self, *args: Any, scale: GradeScale | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale
        self.fields["grade"] = forms.ChoiceField(
            label="Overall grade", choices=_grade_choices(scale), required=False, widget=Radios
        )
        self.order_fields(["grade", "rationale"])

    def grade_options(self) -> list[dict[str, str]]:
        return list(self.scale.grades) if self.scale else []


class SubmitForm(AuditForm):
    confirm_not_triangulated = forms.BooleanField(
        label="I confirm this audit is based on the case record alone, and should be flagged as not "
        "triangulated",
        required=False,
    )
