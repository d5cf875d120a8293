"""Planning a cycle from the web: the parameters, then the draft sample (the cycle page) to check, swap
cases in and out of, confirm or discard. Each change is one of `caseaudit.cycles.actions`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit.cases.models import Case
from caseaudit.core.cohorts import COHORT_LABELS

from .actions import confirm_cycle, discard_draft, plan_cycle, propose_cycle, swap_case
from .candidates import eligible_candidates
from .forms import PlanCycleForm, SwapForm
from .models import Cycle, CycleStatus
from .views import cycle_for, planner, render_cycle

SUGGESTIONS = 10


def _next_year(today: date) -> int:
    """The year of the next window to plan: this year's spring or autumn, or after September, next
    year's spring. The season itself is left for the QA lead to choose (no radio is chosen for them)."""
    return today.year + 1 if today.month >= 10 else today.year


@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    user = planner(request)
    if request.method != "POST":
        form = PlanCycleForm(initial={"year": _next_year(timezone.localdate()), "fraction": 0.5})
        return render(request, "cycles/plan.html", {"form": form})

    form = PlanCycleForm(request.POST)
    if form.is_valid():
        arguments = form.plan_arguments()
        try:
            proposal = propose_cycle(**arguments)
            if not proposal.picks:
                raise ValidationError(
                    f"No case can be sampled: none is open on {proposal.starts_on:%-d %B %Y} without an "
                    "audit completed or planned in the 12 months before. Check the dates, or import the "
                    "case register."
                )
            cycle = plan_cycle(
                proposal, acting_user=user, fraction=arguments["fraction"], size=arguments["size"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"{cycle.name} is a draft with {len(proposal.picks)} cases. Check the sample, then "
                "confirm it.",
            )
            return redirect("cycles:detail", cycle.pk)
    return render(request, "cycles/plan.html", {"form": form})


# Swapping a case in a draft sample -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    user = planner(request)
    cycle = cycle_for(user, pk)
    if cycle.status != CycleStatus.DRAFT:
        messages.info(request, "The sample is confirmed: only a draft sample can be changed.")
        return redirect("cycles:detail", cycle.pk)
    if request.method != "POST":
        form = SwapForm(initial={"remove": request.GET.get("remove", "")[:40]})
        return _render_swap(request, cycle, form)

    form = SwapForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        remove = cycle.audits.select_related("case").filter(case__child_id=data["remove"]).first()
        if remove is None:
            form.add_error("remove", f"{data['remove']} is not in this sample")
        else:
            try:
                added = swap_case(
                    cycle, remove=remove, add_child_id=data["add"], reason=data["reason"], acting_user=user
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("add", message)
            else:
                messages.success(
                    request, f"{remove.case.child_id} is out of the sample and {added.case.child_id} is in."
                )
                return redirect("cycles:detail", cycle.pk)
    return _render_swap(request, cycle, form)


def _render_swap(request: HttpRequest, cycle: Cycle, form: SwapForm) -> HttpResponse:
    removing = None
    child_id = str(form["remove"].value() or "").strip()
    if child_id:
        removing = cycle.audits.select_related("case").filter(case__child_id=child_id).first()
    context: dict[str, Any] = {"cycle": cycle, "form": form, "removing": removing}
    if removing is not None:
        context["suggestions"] = _suggestions(cycle, removing.case.cohort)
        context["cohort_label"] = COHORT_LABELS[removing.case.cohort]
    return render(request, "cycles/swap.html", context)


def _suggestions(cycle: Cycle, cohort: str) -> list[tuple[str, date | None]]:
    """A few eligible cases of the cohort that are not in the sample, the longest unaudited first: the
    ones the planner would have taken next."""
    candidates, _ = eligible_candidates(cycle.starts_on, exclude_cycle=cycle)
    in_sample = set(cycle.audits.values_list("case_id", flat=True))
    left_out = sorted(
        (c for c in candidates if c.cohort == cohort and c.case_id not in in_sample),
        key=lambda c: (c.last_audited is not None, c.last_audited or date.min, c.case_id),
    )[:SUGGESTIONS]
    child_ids = dict(Case.objects.filter(pk__in=[c.case_id for c in left_out]).values_list("pk", "child_id"))
    return [(child_ids[c.case_id], c.last_audited) for c in left_out]


# Confirming or discarding a draft --------------------------------------------------------------------------


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = planner(request)
    cycle = cycle_for(user, pk)
    try:
        confirm_cycle(cycle, acting_user=user)
    except ValidationError as exc:
        return render_cycle(request, user, cycle, errors=[(m, "cycle-details") for m in exc.messages])
    messages.success(
        request, f"The sample of {cycle.name} is confirmed. Allocate the audits to the auditors."
    )
    return redirect("cycles:detail", cycle.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Deleting a draft cannot be undone, so the button on the cycle page leads here to ask first."""
    user = planner(request)
    cycle = cycle_for(user, pk)
    if request.method != "POST":
        if cycle.status != CycleStatus.DRAFT:
            return redirect("cycles:detail", cycle.pk)
        return render(
            request,
            "cycles/discard.html",
            {"cycle": cycle, "in_sample": cycle.audits.count(), "swaps": cycle.swaps.count()},
        )
    name = cycle.name
    try:
        discard_draft(cycle, acting_user=user)
    except ValidationError as exc:
        return render_cycle(request, user, cycle, errors=[(m, "cycle-details") for m in exc.messages])
    messages.success(request, f"The draft {name} was discarded. The case register has not changed.")
    return redirect("cycles:list")
