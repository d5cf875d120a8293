"""Follow-up audit pages: the list, arranging one for a case (QA lead), and the follow-up itself (its
auditor answers; the QA team reads). Every follow-up comes from `follow_ups_visible_to`; changes are the
action functions of `improvement.actions.follow_ups`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.completion_forms import OwnerChoiceField
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.ui.submission import submit
from caseaudit.ui.widgets import DateField, Radios

from .actions.follow_ups import complete_follow_up, create_follow_up
from .follow_up import Answer, actions_to_check, follow_up_auditors
from .models import FollowUp, FollowUpItem, FollowUpStatus
from .scoping import follow_ups_visible_to
from .tracker import TEXT_MAX, person

YES_NO = [("yes", "Yes, it was done"), ("no", "No, not done")]


def _follow_up_url(follow_up: FollowUp) -> str:
    return reverse("actions:follow-up", args=[follow_up.pk])


class ArrangeForm(forms.Form):
    auditor = OwnerChoiceField(
        label="Auditor",
        queryset=User.objects.none(),
        empty_label="Select an auditor",
        help_text="Auditors of the case's own team are not listed.",
        error_messages={"required": "Select an auditor", "invalid_choice": "Select an auditor from the list"},
    )
    due_on = DateField(label="Due date", help_text="For example, 27 3 2027")

    def __init__(self, *args: Any, auditors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auditor_field = self.fields["auditor"]
        assert isinstance(auditor_field, forms.ModelChoiceField)
        auditor_field.queryset = auditors

    def clean_due_on(self) -> Any:
        if self.cleaned_data.get("due_on") is None:
            raise forms.ValidationError("Enter the date the follow-up audit is due")
        return self.cleaned_data["due_on"]


class AnswersForm(forms.Form):
    """One yes/no and one evidence box per action, named by the action's id; a note for them all."""

    note = forms.CharField(
        label="Note (optional)",
        help_text="Anything the QA lead should know. It is added to every action's log.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, items: list[FollowUpItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"done_{item.action_id}"] = forms.ChoiceField(
                label=f"Was action {number} done?",
                choices=YES_NO,
                widget=Radios,
                error_messages={"required": f"Action {number}: select whether it was done"},
            )
            self.fields[f"evidence_{item.action_id}"] = forms.CharField(
                label="Evidence",
                help_text="What you saw: required when it was done. When it was not, say what is missing.",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea,
            )

    def rows(self) -> list[tuple[int, FollowUpItem, forms.BoundField, forms.BoundField]]:
        return [
            (n, item, self[f"done_{item.action_id}"], self[f"evidence_{item.action_id}"])
            for n, item in enumerate(self.items, start=1)
        ]

    def answers(self) -> dict[int, Answer]:
        data = self.cleaned_data
        return {
            item.action_id: Answer(
                {"yes": True, "no": False}.get(data.get(f"done_{item.action_id}", "")),
                data.get(f"evidence_{item.action_id}", ""),
            )
            for item in self.items
        }


@policy.capability_required(policy.READ_FOLLOW_UPS)
@require_http_methods(["GET", "HEAD"])
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = list(follow_ups_visible_to(request.user).select_related("case", "auditor", "auditor__staff"))
    record_access(request.user, "view", "follow-up-list", "", f"{len(follow_ups)} follow-ups")
    return render(
        request,
        "improvement/follow_up_list.html",
        {
            "waiting": [f for f in follow_ups if f.status == FollowUpStatus.ALLOCATED],
            "completed": [f for f in follow_ups if f.status == FollowUpStatus.COMPLETED],
        },
    )


@policy.capability_required(policy.ARRANGE_FOLLOW_UPS)
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.ARRANGE_FOLLOW_UPS)
    case = get_object_or_404(cases_visible_to(user).select_related("team"), pk=case_pk)
    form = ArrangeForm(request.POST if request.method == "POST" else None, auditors=follow_up_auditors(case))

    def page(status: int) -> HttpResponse:
        actions = actions_to_check(case).select_related("owner", "owner__staff")
        record_access(user, "view", "case", case.pk, "arrange a follow-up")
        context = {"case": case, "form": form, "actions": actions}
        return render(request, "improvement/follow_up_new.html", context, status=status)

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: create_follow_up(
            case, auditor=data["auditor"], due_on=data["due_on"], acting_user=user
        ),
        page=page,
        then=_follow_up_url,
        done="The follow-up audit is arranged.",
    )


@policy.capability_required(policy.READ_FOLLOW_UPS)
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.READ_FOLLOW_UPS)
    follow_up: FollowUp = get_object_or_404(
        follow_ups_visible_to(user).select_related("case", "case__team", "auditor", "auditor__staff"), pk=pk
    )
    items = list(follow_up.items.select_related("action", "action__owner", "action__owner__staff"))
    answering = follow_up.status == FollowUpStatus.ALLOCATED and policy.can(
        user, policy.COMPLETE_FOLLOW_UP, follow_up
    )
    form = AnswersForm(request.POST if request.method == "POST" else None, items=items)

    def page(status: int) -> HttpResponse:
        record_access(user, "view", "follow-up", follow_up.pk)
        context = {
            "follow_up": follow_up,
            "items": items,
            "form": form if answering else None,
            "auditor_name": person(follow_up.auditor),
        }
        return render(request, "improvement/follow_up_detail.html", context, status=status)

    if request.method != "POST":
        return page(200)
    if not answering:
        policy.require(user, policy.COMPLETE_FOLLOW_UP, follow_up)
        raise PermissionDenied("This follow-up audit is already complete.")
    return submit(
        request,
        form,
        act=lambda data: complete_follow_up(
            follow_up, answers=form.answers(), note=data["note"], acting_user=user
        ),
        page=page,
        then=_follow_up_url(follow_up),
        done="The follow-up audit is complete and the actions are updated.",
    )
