"""The page of themes over time (`reports.themes_over_time`), for those who read the reports."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.cycles.models import AUDIT_TYPE_CHOICES

from .themes_over_time import themes_over_time


class KindForm(forms.Form):
    audit_type = forms.ChoiceField(
        label="Kind of audit",
        required=False,
        choices=[("", "Every kind of audit"), *AUDIT_TYPE_CHOICES],
        error_messages={"invalid_choice": "Select a kind of audit from the list"},
    )


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def themes(request: HttpRequest) -> HttpResponse:
    form = KindForm(request.GET)
    audit_type = form.cleaned_data.get("audit_type", "") if form.is_valid() else ""
    found = themes_over_time(audit_type=audit_type)
    return render(request, "reports/themes.html", {"form": form, "found": found, "audit_type": audit_type})
