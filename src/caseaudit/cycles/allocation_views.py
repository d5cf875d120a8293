"""Giving a confirmed cycle's audits to auditors: allocate them all (QA lead or moderator), or move one
audit to another auditor (QA lead only, with a reason); and closing the cycle, or reopening it (QA lead
only, with a reason), each asked first on a page of its own. All are `caseaudit.cycles.actions`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.ui.submission import submit

from .actions import (
    EARLY_CLOSE_NEEDS_REASON,
    allocate_cycle,
    close_cycle,
    reallocate_audit,
    reopen_cycle,
)
from .forms import CloseCycleForm, ReallocateForm, ReopenCycleForm
from .models import Cycle, CycleStatus
from .progress import NOT_WORK
from .views import cycle_for, render_cycle

# Child Unique IDs named in the message about audits no auditor could take; the rest are counted.
UNASSIGNED_NAMED = 10


@policy.capability_required(policy.PLAN_CYCLES)
@require_POST
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.PLAN_CYCLES)
    cycle = cycle_for(user, pk)
    try:
        result = allocate_cycle(cycle, acting_user=user)
    except ValidationError as exc:
        target = "cycle-details" if cycle.status == CycleStatus.DRAFT else "allocation"
        return render_cycle(request, user, cycle, errors=[(m, target) for m in exc.messages])

    assigned = len(result.assigned)
    if assigned:
        auditors = len(set(result.assigned.values()))
        messages.success(
            request,
            f"{assigned} audit{'s' if assigned != 1 else ''} allocated to {auditors} "
            f"auditor{'s' if auditors != 1 else ''}.",
        )
    elif not result.unassigned:
        messages.info(request, "Every audit in this cycle already has an auditor.")
    _report_unassigned(request, cycle, result.unassigned)
    return redirect("cycles:detail", cycle.pk)


@policy.capability_required(policy.PLAN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing ends allocation and reallocation, so the button on the cycle page leads here to ask first,
    saying what closing means and how many audits are not yet submitted."""
    user = policy.person(request.user, policy.PLAN_CYCLES)
    cycle = cycle_for(user, pk)
    form = CloseCycleForm(request.POST if request.method == "POST" else None)
    today = timezone.localdate()

    def page(status: int = 200) -> HttpResponse:
        context = {
            "cycle": cycle,
            "form": form,
            "early": today <= cycle.ends_on,
            "not_submitted": cycle.audits.exclude(status__in=NOT_WORK).count(),
            "in_sample": cycle.audits.count(),
        }
        return render(request, "cycles/close.html", context, status=status)

    if request.method != "POST":
        return page()
    return submit(
        request,
        form,
        act=lambda data: close_cycle(cycle, reason=data["reason"], acting_user=user, today=today),
        page=page,
        then=reverse("cycles:detail", args=[cycle.pk]),
        done=f"{cycle.name} is closed.",
        field_for={EARLY_CLOSE_NEEDS_REASON: "reason"},
    )


@policy.capability_required(policy.REOPEN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopening a closed cycle is the QA lead's decision, asked for on a page of its own with a reason."""
    user = policy.person(request.user, policy.REOPEN_CYCLES)
    cycle = cycle_for(user, pk)
    form = ReopenCycleForm(request.POST if request.method == "POST" else None)

    def page(status: int = 200) -> HttpResponse:
        return render(request, "cycles/reopen.html", {"cycle": cycle, "form": form}, status=status)

    if request.method != "POST":
        return page()
    return submit(
        request,
        form,
        act=lambda data: reopen_cycle(cycle, reason=data["reason"], acting_user=user),
        page=page,
        then=reverse("cycles:detail", args=[cycle.pk]),
        done=f"{cycle.name} is open again.",
        field_for="reason",
    )


def _report_unassigned(request: HttpRequest, cycle: Cycle, unassigned: dict[int, str]) -> None:
    """One message per reason, naming the first few cases, so the QA lead knows what to fix."""
    if not unassigned:
        return
    child_ids = dict(cycle.audits.filter(pk__in=list(unassigned)).values_list("pk", "case__child_id"))
    by_reason: dict[str, list[str]] = {}
    for audit_id, reason in unassigned.items():
        by_reason.setdefault(reason, []).append(child_ids.get(audit_id, "?"))
    for reason, ids in sorted(by_reason.items()):
        ids.sort()
        named = ", ".join(ids[:UNASSIGNED_NAMED])
        more = f" and {len(ids) - UNASSIGNED_NAMED} more" if len(ids) > UNASSIGNED_NAMED else ""
        noun = "audit was" if len(ids) == 1 else "audits were"
        messages.warning(
            request,
            f"{len(ids)} {noun} not allocated because {reason}: {named}{more}. Add an auditor from "
            "another team or raise an auditor's capacity, then allocate again.",
        )


@policy.capability_required(policy.REALLOCATE_AUDITS)
@require_http_methods(["GET", "HEAD", "POST"])
def reallocate(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.REALLOCATE_AUDITS)
    cycle = cycle_for(user, pk)
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.CLOSED):
        # A draft's audits have no auditor yet (confirm and allocate first); a closed cycle's allocation
        # is fixed (reopen it first). The action refuses both too.
        raise Http404
    audit = get_object_or_404(
        audits_visible_to(user).filter(cycle=cycle).select_related("case", "case__team", "auditor"),
        pk=audit_pk,
    )
    auditors = [
        (auditor, auditor.held)
        for auditor in policy.holders(policy.HAVE_AUDITS)
        .annotate(held=Count("audits", filter=Q(audits__cycle=cycle)))
        .order_by("first_name", "last_name", "username")
    ]
    form = ReallocateForm(
        request.POST if request.method == "POST" else None, auditors=auditors, current=audit.auditor_id
    )

    def page(status: int = 200) -> HttpResponse:
        record_access(user, "view", "audit", audit.pk, "reallocate")
        history = audit.reallocations.select_related("from_auditor", "to_auditor", "by")
        context = {"cycle": cycle, "audit": audit, "form": form, "history": history}
        return render(request, "cycles/reallocate.html", context, status=status)

    if request.method != "POST":
        return page()
    return submit(
        request,
        form,
        act=lambda data: reallocate_audit(
            audit, to_auditor=form.chosen(), reason=data["reason"], acting_user=user
        ),
        page=page,
        then=reverse("cycles:detail", args=[cycle.pk]),
        done=lambda _: (
            f"The audit of {audit.case.child_id} is now "
            f"{form.chosen().get_full_name() or form.chosen().username}'s."
        ),
        # The form has checked the reason: what the action refuses is the auditor chosen.
        field_for="auditor",
    )
