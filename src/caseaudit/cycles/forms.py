"""Forms for the audit cycle pages. Error messages follow the GOV.UK Design System's wording.

The forms check what was typed; the rules of planning, swapping and allocating live in the actions, whose
ValidationError messages the views add to these forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, AuditTemplate
from caseaudit.cases.models import Cohort, Team
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.core.register import CHILD_ID_MAX_LENGTH
from caseaudit.ui.widgets import DateField, Radios

from .models import AUDIT_TYPE_CHOICES, FOCUS_REASON_MAX_LENGTH, THEME_MAX_LENGTH, Season
from .planning import THEMATIC, Scope

SEED_MAX = 2**63 - 1
REASON_MAX_LENGTH = 300
# Room for a few hundred cases chosen by hand, each with a line of reason.
CHOSEN_MAX_LENGTH = 100_000


class PlanCycleForm(forms.Form):
    audit_type = forms.ChoiceField(
        label="What kind of audit?",
        choices=AUDIT_TYPE_CHOICES,
        initial=CASE_FILE,
        required=False,  # none chosen is the twice-yearly case file audit
        widget=Radios,
        error_messages={"invalid_choice": "Select a kind of audit from the list"},
    )
    template = forms.ModelChoiceField(
        label="Audit tool (optional)",
        queryset=AuditTemplate.objects.order_by("name", "-version"),
        required=False,
        empty_label="The newest default tool for this kind of audit",
        help_text="Each kind has a tool shipped with caseaudit. Your own version of a tool is loaded with "
        "the command caseaudit templates load FILE. Audits keep the version they start on.",
        error_messages={"invalid_choice": "Select an audit tool from the list"},
    )
    theme = forms.CharField(
        label="Theme",
        required=False,
        max_length=THEME_MAX_LENGTH,
        help_text='Needed for a thematic audit, for example "pathway plans" or "the child\'s voice in '
        'assessments". Every audit in the cycle shows it.',
        error_messages={"max_length": f"Theme must be {THEME_MAX_LENGTH} characters or fewer"},
    )
    scope_cohort = forms.ChoiceField(
        label="Only this cohort (optional)",
        required=False,
        choices=[("", "Every cohort"), *Cohort.choices],
        help_text="Not for the case file audit, which samples every cohort.",
        error_messages={"invalid_choice": "Select a cohort from the list"},
    )
    scope_team = forms.ModelChoiceField(
        label="Only this team (optional)",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="Every team",
        help_text="Not for the case file audit, which samples every team.",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    season = forms.ChoiceField(
        label="When is the cycle?",
        choices=Season.choices,
        widget=Radios,
        error_messages={
            "required": "Select when the cycle is",
            "invalid_choice": "Select autumn, spring or custom dates",
        },
    )
    year = forms.IntegerField(
        label="Year",
        required=False,
        help_text="For custom dates, leave blank to use the year of the start date.",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Year must be a number, like 2026",
            "min_value": "Year must be 2000 or later",
            "max_value": "Year must be 2100 or earlier",
        },
    )
    # Always shown, not revealed by the "Custom dates" radio: GOV.UK Frontend's conditional reveal puts
    # aria-expanded on radios, which ARIA does not allow (axe: aria-allowed-attr).
    starts_on = DateField(label="Start date", help_text="Only for custom dates. For example, 1 9 2027")
    ends_on = DateField(
        label="End date",
        help_text="Only for custom dates. The deadline: audits not submitted by then are overdue.",
    )
    name = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=80,
        help_text='Leave blank to name it after the season, for example "Autumn 2026".',
        error_messages={"max_length": "Name must be 80 characters or fewer"},
    )
    focus = forms.ChoiceField(
        label="Focus cohort (optional)",
        required=False,
        choices=[("", "No focus cohort"), *Cohort.choices],
        help_text="All its eligible cases are taken first, for example care leavers before an inspection.",
        error_messages={"invalid_choice": "Select a cohort from the list"},
    )
    focus_reason = forms.CharField(
        label="Why this focus cohort",
        required=False,
        max_length=FOCUS_REASON_MAX_LENGTH,
        help_text="Needed with a focus cohort. The committee paper's method section gives it, for example "
        '"care leavers\' services are to be inspected in the spring".',
        error_messages={
            "max_length": f"Why this focus cohort must be {FOCUS_REASON_MAX_LENGTH} characters or fewer"
        },
    )
    fraction = forms.FloatField(
        label="Fraction of the open cases",
        required=False,
        initial=0.5,
        help_text="0.5 is half of the open cases, rounded up, so that two cycles a year reach every case.",
        error_messages={"invalid": "Fraction must be a number, like 0.5"},
    )
    size = forms.IntegerField(
        label="Or a number of cases (optional)",
        help_text="Leave blank to use the fraction.",
        required=False,
        min_value=1,
        max_value=10_000_000,
        error_messages={
            "invalid": "Number of cases must be a whole number, like 30",
            "min_value": "Number of cases must be 1 or more",
            "max_value": "Number of cases must be 10,000,000 or fewer",
        },
    )
    every_case = forms.BooleanField(
        label="Audit every case in scope",
        required=False,
        help_text="Instead of a fraction or a number: every open case, or every case of the cohort or team "
        "chosen above.",
    )
    chosen = forms.CharField(
        label="Or choose the cases by hand (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=CHOSEN_MAX_LENGTH,
        help_text="One case a line: the child's ID, a comma, then why the case is chosen. For example: "
        "CHILD-0042, first pathway plan written by the new team.",
        error_messages={
            "max_length": f"Cases chosen by hand must be {CHOSEN_MAX_LENGTH:,} characters or fewer"
        },
    )
    seed = forms.IntegerField(
        label="Random seed (optional)",
        required=False,
        min_value=0,
        max_value=SEED_MAX,
        help_text="Leave blank for a new random seed. The seed is kept with the cycle: the same seed and "
        "the same register always give the same sample.",
        error_messages={
            "invalid": "Random seed must be a whole number, like 20261001",
            "min_value": "Random seed must be 0 or more",
            "max_value": "Random seed must be a whole number of 19 digits or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        season = data.get("season")
        if season == Season.CUSTOM:
            for name, what in (("starts_on", "start"), ("ends_on", "end")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"Enter the {what} date of the cycle")
            if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
                self.add_error("ends_on", "End date must be the same as or after the start date")
            if data.get("year") is None and data.get("starts_on"):
                data["year"] = data["starts_on"].year
        elif season:
            for name, what in (("starts_on", "Start date"), ("ends_on", "End date")):
                if data.get(name):
                    self.add_error(name, f"{what} is only for custom dates: clear it, or choose custom dates")
            if data.get("year") is None and "year" not in self.errors:
                self.add_error("year", "Enter the year of the cycle, like 2026")
        reason = (data.get("focus_reason") or "").strip()
        if data.get("focus") and not reason and "focus_reason" not in self.errors:
            self.add_error("focus_reason", "Enter why this cohort is the focus")
        elif reason and not data.get("focus") and "focus" not in self.errors:
            self.add_error("focus", "Select the focus cohort, or clear why this focus cohort")
        kind = data["audit_type"] = data.get("audit_type") or CASE_FILE
        if kind == THEMATIC and not (data.get("theme") or "").strip() and "theme" not in self.errors:
            self.add_error("theme", "Enter the theme of the thematic audit, like pathway plans")
        if kind == CASE_FILE:
            for name, what in (("scope_cohort", "cohort"), ("scope_team", "team")):
                if data.get(name) and name not in self.errors:
                    self.add_error(
                        name, f"A case file audit samples every {what}: clear it, or choose another kind"
                    )
        data["chosen_cases"] = self._chosen_cases(data.get("chosen") or "")
        if data["chosen_cases"] and data.get("every_case"):
            self.add_error("every_case", "Choose the cases by hand or audit every case in scope, not both")
        # Cases chosen by hand, or every case in scope, need no fraction or number.
        by_hand_or_all = bool(data["chosen_cases"] or data.get("every_case") or "chosen" in self.errors)
        if not by_hand_or_all and data.get("size") is None and "size" not in self.errors:
            fraction = data.get("fraction")
            if fraction is None and "fraction" not in self.errors:
                self.add_error("fraction", "Enter the fraction of open cases, like 0.5, or a number of cases")
            elif fraction is not None and not 0 < fraction <= 1:
                self.add_error("fraction", "Fraction must be a number above 0 and at most 1, like 0.5")
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tool = self.fields["template"]
        assert isinstance(tool, forms.ModelChoiceField)
        tool.label_from_instance = _tool_label  # type: ignore[method-assign,assignment]

    def _chosen_cases(self, text: str) -> list[tuple[str, str]]:
        """(child id, reason) for each line of the cases chosen by hand; a line without both is an error
        that names its line, and the text typed is kept."""
        chosen, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            child_id, _, reason = line.replace("\t", ",").partition(",")
            if not child_id.strip() or not reason.strip():
                problems.append(f"Line {number}: enter the child's ID, a comma, then why the case is chosen")
            elif len(child_id.strip()) > CHILD_ID_MAX_LENGTH:
                problems.append(f"Line {number}: a child's ID is {CHILD_ID_MAX_LENGTH} characters or fewer")
            else:
                chosen.append((child_id.strip(), reason.strip()))
        for problem in problems[:5]:
            self.add_error("chosen", problem)
        return [] if problems else chosen

    def plan_arguments(self) -> dict[str, Any]:
        """What `propose_cycle` is asked for, from a valid form."""
        data = self.cleaned_data
        custom = data["season"] == Season.CUSTOM
        by_number = data.get("size") is not None
        by_hand_or_all = bool(data["chosen_cases"] or data.get("every_case"))
        kind = data.get("audit_type") or CASE_FILE
        return {
            "audit_type": kind,
            "every_case": bool(data.get("every_case")),
            "chosen": data["chosen_cases"],
            "scope": Scope(
                theme=(data.get("theme") or "").strip() if kind != CASE_FILE else "",
                cohort=data.get("scope_cohort") or "",
                team=data.get("scope_team"),
            ),
            "season": data["season"],
            "year": data["year"],
            "focus": data.get("focus") or "",
            "fraction": None if by_number or by_hand_or_all else data["fraction"],
            "size": data["size"] if by_number and not by_hand_or_all else None,
            "seed": data.get("seed"),
            "starts_on": data["starts_on"] if custom else None,
            "ends_on": data["ends_on"] if custom else None,
            "name": (data.get("name") or "").strip() or None,
        }


def _tool_label(template: AuditTemplate) -> str:
    return f"{template.name}, version {template.version}"


class SwapForm(forms.Form):
    remove = forms.CharField(
        label="Child Unique ID of the case to take out",
        max_length=CHILD_ID_MAX_LENGTH,
        error_messages={
            "required": "Enter the Child Unique ID of the case to take out",
            "max_length": f"Child Unique ID must be {CHILD_ID_MAX_LENGTH} characters or fewer",
        },
    )
    add = forms.CharField(
        label="Child Unique ID of the case to put in",
        max_length=CHILD_ID_MAX_LENGTH,
        help_text="An open case that was not audited or planned for audit in the 12 months before the "
        "cycle starts.",
        error_messages={
            "required": "Enter the Child Unique ID of the case to put in",
            "max_length": f"Child Unique ID must be {CHILD_ID_MAX_LENGTH} characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why is the case swapped?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="This is kept with the sample, for example \u201cSubject of a recent practice "
        "review\u201d.",
        error_messages={
            "required": "Enter why the case is swapped",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, sample: QuerySet[Audit], **kwargs: Any) -> None:
        """`sample`: the audits of the draft, one of which is taken out."""
        super().__init__(*args, **kwargs)
        self.sample = sample

    def clean_remove(self) -> Audit:
        """The audit of the case taken out, which must be in the sample."""
        child_id = self.cleaned_data["remove"]
        audit = self.sample.select_related("case").filter(case__child_id=child_id).first()
        if audit is None:
            raise forms.ValidationError(f"{child_id} is not in this sample")
        return audit


class ReallocateForm(forms.Form):
    auditor = forms.TypedChoiceField(
        label="New auditor",
        coerce=int,
        error_messages={
            "required": "Select the auditor to give this audit to",
            "invalid_choice": "Select an auditor from the list",
        },
    )
    reason = forms.CharField(
        label="Why does the audit move?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="This is kept with the audit, for example \u201cAuditor on leave until December\u201d.",
        error_messages={
            "required": "Enter why the audit moves",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, auditors: Sequence[tuple[User, int]], current: int | None, **kwargs: Any):
        """`auditors`: every active auditor with the audits they hold in this cycle."""
        super().__init__(*args, **kwargs)
        self.auditors = {user.pk: user for user, _ in auditors}
        self.fields["auditor"].choices = [  # type: ignore[attr-defined]
            ("", "Select an auditor"),
            *(
                (
                    str(user.pk),
                    f"{user.get_full_name() or user.username} ({held} audit{'s' if held != 1 else ''})",
                )
                for user, held in auditors
                if user.pk != current
            ),
        ]

    def chosen(self) -> User:
        return self.auditors[self.cleaned_data["auditor"]]


class CloseCycleForm(forms.Form):
    """The reason is needed only before the window ends; the action says so when it is missing."""

    reason = forms.CharField(
        label="Why does the cycle close early? (only before the window ends)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="This is kept with the cycle, for example \u201cInspection brought forward\u201d.",
        error_messages={"max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer"},
    )


class ReopenCycleForm(forms.Form):
    reason = forms.CharField(
        label="Why does the cycle reopen?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="This is kept with the cycle, for example \u201cClosed by mistake\u201d.",
        error_messages={
            "required": "Enter why the cycle reopens",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )


class WithdrawAuditForm(forms.Form):
    reason = forms.CharField(
        label="Why is the audit withdrawn?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="This is kept with the audit and shown on the cycle page, for example "
        "\u201cCase closed after the family moved away: nothing left to audit\u201d.",
        error_messages={
            "required": "Enter why the audit is withdrawn",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )
