"""The list of themes findings are tagged with, for the QA lead: which findings each is for (strengths, areas
for development, or both), how often it is used, and adding or retiring one. The committee paper counts
findings by these themes, so a theme for areas for development never counts a strength."""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.ui.submission import submit
from caseaudit.ui.widgets import Radios

from .actions.themes import KIND_NEEDED, NAME_NEEDED, add_theme, retire_theme
from .models import Theme, ThemeKind


class ThemeForm(forms.Form):
    label = forms.CharField(
        label="Name of the theme",
        help_text="For example, Impact on the child, Corporate parenting or Relationships",
        max_length=120,
        error_messages={"required": NAME_NEEDED, "max_length": "The name must be 120 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="Which findings is it for?",
        choices=ThemeKind.choices,
        initial=ThemeKind.BOTH,
        widget=Radios,
        error_messages={"required": KIND_NEEDED, "invalid_choice": KIND_NEEDED},
    )


def _page(request: HttpRequest, form: ThemeForm, status: int = 200) -> HttpResponse:
    themes = Theme.objects.annotate(uses=Count("findings")).order_by("-active", "label")
    return render(request, "audits/themes.html", {"form": form, "themes": themes}, status=status)


@policy.capability_required(policy.MANAGE_THEMES)
@require_http_methods(["GET", "HEAD", "POST"])
def themes(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_THEMES)
    if request.method != "POST":
        return _page(request, ThemeForm())
    form = ThemeForm(request.POST)
    return submit(
        request,
        form,
        act=lambda data: add_theme(data["label"], kind=data["kind"], acting_user=user),
        page=lambda status: _page(request, form, status),
        then=reverse("audits:themes"),
        done=lambda theme: f"\u201c{theme.label}\u201d is on the list of themes.",
    )


@policy.capability_required(policy.MANAGE_THEMES)
@require_POST
def retire(request: HttpRequest, slug: str) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_THEMES)
    form = forms.Form(request.POST)
    return submit(
        request,
        form,
        act=lambda _: retire_theme(slug, acting_user=user),
        page=lambda status: _page(request, ThemeForm(), status),
        then=reverse("audits:themes"),
        done=lambda theme: (
            f"\u201c{theme.label}\u201d is retired: it is no longer offered for new findings, and the "
            "findings tagged with it keep it."
        ),
    )
