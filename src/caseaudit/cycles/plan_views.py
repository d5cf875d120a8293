"""Planning a cycle from the web: the parameters, then the draft sample (the cycle page) to check, swap
cases in and out of, confirm or discard. The sample is proposed by `planning.propose_cycle`; each change is
one of `caseaudit.cycles.actions`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.models import AuditTemplate
from caseaudit.cases.models import Case
from caseaudit.core.audit_types import AUDIT_TYPE_HINTS, CASE_FILE
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.ui.submission import submit

from .actions import confirm_cycle, discard_draft, plan_cycle, swap_case
from .candidates import eligible_candidates
from .forms import PlanCycleForm, SwapForm
from .models import Cycle, CycleStatus
from .planning import propose_cycle
from .views import cycle_for, render_cycle

SUGGESTIONS = 10


def _next_year(today: date) -> int:
    """The year of the next window to plan: this year's spring or autumn, or after September, next
    year's spring. The season itself is left for the QA lead to choose (no radio is chosen for them)."""
    return today.year + 1 if today.month >= 10 else today.year


@policy.capability_required(policy.PLAN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.PLAN_CYCLES)
    if request.method != "POST":
        # A link may ask for a kind ("Plan a thematic audit"); the twice-yearly case file audit otherwise.
        kind = request.GET.get("type", "")
        initial = {
            "year": _next_year(timezone.localdate()),
            "fraction": 0.5,
            "audit_type": kind if kind in AUDIT_TYPE_HINTS else CASE_FILE,
        }
        form = PlanCycleForm(initial=initial)
        return render(request, "cycles/plan.html", {"form": form, "hints": AUDIT_TYPE_HINTS})

    form = PlanCycleForm(request.POST)
    return submit(
        request,
        form,
        act=lambda data: _plan_draft(
            form.plan_arguments(), user, focus_reason=data["focus_reason"], template=data["template"]
        ),
        page=lambda status: render(
            request, "cycles/plan.html", {"form": form, "hints": AUDIT_TYPE_HINTS}, status=status
        ),
        then=lambda cycle: reverse("cycles:detail", args=[cycle.pk]),
        done=lambda cycle: (
            f"{cycle.name} is a draft with {cycle.audits.count()} cases. Check the sample, then confirm it."
        ),
    )


def _plan_draft(
    arguments: dict[str, Any], user: User, *, focus_reason: str, template: AuditTemplate | None
) -> Cycle:
    """Propose the sample and store it as a draft; a sample of no case is refused, as the person most
    likely chose the wrong dates, a scope with no open case, or has not imported the register yet."""
    proposal = propose_cycle(**arguments)
    if not proposal.picks:
        when = f"{proposal.starts_on:%-d %B %Y}"
        if proposal.audit_type == CASE_FILE:
            why = f"none is open on {when} without an audit completed or planned in the 12 months before"
        else:
            why = f"no case in the cohort and team chosen is open on {when}"
        raise ValidationError(
            f"No case can be sampled: {why}. Check the dates, the scope, or import the case register."
        )
    return plan_cycle(
        proposal,
        acting_user=user,
        fraction=arguments["fraction"],
        size=arguments["size"],
        focus_reason=focus_reason,
        template=template,
    )


# Swapping a case in a draft sample -------------------------------------------------------------------------


@policy.capability_required(policy.PLAN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.PLAN_CYCLES)
    cycle = cycle_for(user, pk)
    if cycle.status != CycleStatus.DRAFT:
        messages.info(request, "The sample is confirmed: only a draft sample can be changed.")
        return redirect("cycles:detail", cycle.pk)
    if request.method != "POST":
        form = SwapForm(
            initial={"remove": _child_id_of(cycle, request.GET.get("audit", ""))}, sample=cycle.audits.all()
        )
        return _render_swap(request, cycle, form)

    form = SwapForm(request.POST, sample=cycle.audits.all())
    return submit(
        request,
        form,
        act=lambda data: swap_case(
            cycle, remove=data["remove"], add_child_id=data["add"], reason=data["reason"], acting_user=user
        ),
        page=lambda status: _render_swap(request, cycle, form, status),
        then=reverse("cycles:detail", args=[cycle.pk]),
        done=lambda added: (
            f"{form.cleaned_data['remove'].case.child_id} is out of the sample and "
            f"{added.case.child_id} is in."
        ),
        # The form has checked the case taken out and the reason: what the action refuses is the case put in.
        field_for="add",
    )


def _child_id_of(cycle: Cycle, audit_pk: str) -> str:
    """The Child Unique ID of the sample's audit a "Swap" link names: links name the audit by its number,
    so that no child's identifier is in an address (and the server's request log)."""
    if not audit_pk.isdigit():
        return ""
    audit = cycle.audits.select_related("case").filter(pk=int(audit_pk)).first()
    return audit.case.child_id if audit else ""


def _render_swap(request: HttpRequest, cycle: Cycle, form: SwapForm, status: int = 200) -> HttpResponse:
    removing = None
    child_id = str(form["remove"].value() or "").strip()
    if child_id:
        removing = cycle.audits.select_related("case").filter(case__child_id=child_id).first()
    context: dict[str, Any] = {"cycle": cycle, "form": form, "removing": removing}
    if removing is not None:
        context["suggestions"] = _suggestions(cycle, removing.case.cohort)
        context["cohort_label"] = COHORT_LABELS[removing.case.cohort]
        # The case to take out, and the eligible cases of its cohort by Child Unique ID: children's records.
        detail = f"swap: audit {removing.pk} and {len(context['suggestions'])} eligible cases suggested"
        record_access(request.user, "view", "cycle", cycle.pk, detail)
    return render(request, "cycles/swap.html", context, status=status)


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


@policy.capability_required(policy.PLAN_CYCLES)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.PLAN_CYCLES)
    cycle = cycle_for(user, pk)
    try:
        confirm_cycle(cycle, acting_user=user)
    except ValidationError as exc:
        return render_cycle(request, user, cycle, errors=[(m, "cycle-details") for m in exc.messages])
    messages.success(
        request, f"The sample of {cycle.name} is confirmed. Allocate the audits to the auditors."
    )
    return redirect("cycles:detail", cycle.pk)


@policy.capability_required(policy.PLAN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Deleting a draft cannot be undone, so the button on the cycle page leads here to ask first."""
    user = policy.person(request.user, policy.PLAN_CYCLES)
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
