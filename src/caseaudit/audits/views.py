"""The auditor's pages: "My audits", the audits allocated to them in confirmed cycles.

Audits come from `audits_visible_to(user)`, which for an auditor is exactly their allocations."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.pagination import page_links, pagination

from .models import NOT_WORK, AuditStatus
from .moderation_outcome import latest_returns
from .my_work import my_work_context
from .scoping import audits_visible_to

PAGE_SIZE = 50


@policy.capability_required(policy.HAVE_AUDITS)
@require_safe
def my_audits(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.HAVE_AUDITS)
    today = timezone.localdate()
    mine = audits_visible_to(user)
    audits = mine.select_related("cycle", "case", "case__team").order_by("cycle__ends_on", "case__child_id")
    page = Paginator(audits, PAGE_SIZE).get_page(request.GET.get("page"))
    returns = latest_returns(page)
    counts = dict(mine.values_list("status").annotate(n=Count("pk")).order_by())
    overdue = mine.filter(cycle__ends_on__lt=today).exclude(status__in=NOT_WORK).count()
    other_work = my_work_context(user)
    # What the higher apps list beside the audits names children's cases too: counted in the same entry.
    # The follow-up audits are the only such list today; any list handed down later is counted with them.
    listed = sum(len(value) for value in other_work.values() if isinstance(value, list))
    detail = shown("audits", page.paginator.count, page=page) + f"; {listed} follow-up audits"
    record_access(user, "view", "my-audits", "", detail)
    return render(
        request,
        "audits/my_audits.html",
        {
            "page": page,
            "rows": [
                (
                    audit,
                    audit.cycle is not None and audit.cycle.ends_on < today and audit.status not in NOT_WORK,
                    returns.get(audit.pk),
                )
                for audit in page
            ],
            "returned_count": counts.get(AuditStatus.RETURNED, 0),
            # The follow-up audits allocated to them, from the improvement app.
            **other_work,
            "pagination": pagination(page, page_links(reverse("audits:mine"))),
            "total": sum(counts.values()),
            # Withdrawn is said only when an audit was: it is the rare end of a case that closed.
            "status_counts": [
                (label, counts.get(value, 0))
                for value, label in AuditStatus.choices
                if value != AuditStatus.WITHDRAWN or counts.get(value)
            ],
            "overdue": overdue,
        },
    )
