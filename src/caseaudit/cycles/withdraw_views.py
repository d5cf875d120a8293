"""Withdrawing the audit of a case that closed while it was in the cycle's sample: the QA lead's decision,
asked for on a page of its own with a reason (`caseaudit.audits.actions.withdrawal`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.audits.actions.withdrawal import withdraw_audit
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.ui.submission import submit

from .forms import WithdrawAuditForm
from .models import CycleStatus
from .views import cycle_for


@policy.capability_required(policy.WITHDRAW_AUDITS)
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.WITHDRAW_AUDITS)
    cycle = cycle_for(user, pk)
    if cycle.status == CycleStatus.DRAFT:
        # A draft's case is swapped out of the sample instead.
        raise Http404
    audit = get_object_or_404(
        audits_visible_to(user).filter(cycle=cycle).select_related("case", "auditor"), pk=audit_pk
    )
    form = WithdrawAuditForm(request.POST if request.method == "POST" else None)
    # The version the page was shown on: an audit submitted meanwhile is not withdrawn unseen.
    version = request.POST.get("version", "") if request.method == "POST" else str(audit.version)
    expected = int(version) if version.isdigit() else audit.version

    def page(status: int = 200) -> HttpResponse:
        record_access(user, "view", "audit", audit.pk, "withdraw")
        context = {"cycle": cycle, "audit": audit, "form": form, "version": expected}
        return render(request, "cycles/withdraw.html", context, status=status)

    if request.method != "POST":
        return page()
    return submit(
        request,
        form,
        act=lambda data: withdraw_audit(
            audit, reason=data["reason"], expected_version=expected, acting_user=user
        ),
        page=page,
        then=reverse("cycles:detail", args=[cycle.pk]),
        done=f"The audit of {audit.case.child_id} is withdrawn.",
        field_for="reason",
    )
