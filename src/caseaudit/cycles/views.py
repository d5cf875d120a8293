"""The audit cycle pages: the list of cycles, one cycle (its draft sample or its allocation and progress),
and the weekly progress export. For the QA lead and moderators only.

The pages that change a cycle (plan, swap, confirm, discard, allocate, reallocate) are in plan_views.py and
allocation_views.py; every change goes through `caseaudit.cycles.actions`."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, AuditStatus, SelectionReason
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.pagination import SortedNarrow, page_links, pagination

from .candidates import eligible_candidates
from .export import export_cycle_csv, export_cycle_xlsx
from .export_jobs import FORMAT_WORDS, is_large, start_cycle_export
from .models import Cycle, CycleStatus
from .progress import COUNTED, DONE, NOT_WORK, cycle_counts, cycle_progress
from .sample_order import sample_order

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cycle_for(user: User, pk: int) -> Cycle:
    """A cycle the user may open. Planners see every cycle; the views' capability has already turned
    others away, and this refuses them again in case a page forgets."""
    policy.require(user, policy.PLAN_CYCLES)
    return get_object_or_404(Cycle.objects.select_related("created_by", "template", "scope_team"), pk=pk)


# The list of cycles ---------------------------------------------------------------------------------------


@policy.capability_required(policy.PLAN_CYCLES)
@require_safe
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.annotate(
        cases=Count("audits"),
        done=Count("audits", filter=Q(audits__status__in=DONE)),
        moderated=Count("audits", filter=Q(audits__status=AuditStatus.MODERATED)),
        # Only work still to do can wait for an auditor: an imported past audit is done and may name none.
        unallocated=Count("audits", filter=Q(audits__auditor__isnull=True) & ~Q(audits__status__in=NOT_WORK)),
        without_auditor=Count("audits", filter=Q(audits__auditor__isnull=True, audits__status__in=DONE)),
    ).order_by("-starts_on", "name")
    return render(request, "cycles/cycle_list.html", {"cycles": cycles})


# One cycle ------------------------------------------------------------------------------------------------


@policy.capability_required(policy.PLAN_CYCLES)
@require_safe
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.PLAN_CYCLES)
    return render_cycle(request, user, cycle_for(user, pk))


# What the sample's table shows of each audit (cycles/cycle_detail.html).
SAMPLE_COLUMNS = (
    "case_id",
    "reason",
    "selection_note",
    "status",
    "cycle_id",
    "case__child_id",
    "case__cohort",
    "case__closed_on",
    "case__team__name",
    "auditor__first_name",
    "auditor__last_name",
    "auditor__username",
    "withdrawal__reason",
)


def render_cycle(
    request: HttpRequest,
    user: User,
    cycle: Cycle,
    *,
    errors: Sequence[tuple[str, str]] = (),
    status: int = 200,
) -> HttpResponse:
    """The cycle page; `errors` are (message, id of the element the error summary links to) from an
    action that refused. A constant number of queries, however many audits the cycle holds."""
    is_draft = cycle.status == CycleStatus.DRAFT
    order = sample_order(cycle)
    sample = SortedNarrow(
        cycle.audits.all(),
        "case__child_id",
        # Only the columns the sample's table shows: a page of whole audits, cases and accounts is most of
        # the page's time.
        read=Audit.objects.select_related("case", "case__team", "auditor", "withdrawal").only(
            *SAMPLE_COLUMNS
        ),
        count=lambda: order.count,
        ordered=order.ordered,
    )
    page = Paginator(sample, PAGE_SIZE).get_page(request.GET.get("page"))

    # The sample's make-up and its progress come from two grouped counts of the audits' own columns.
    counts = cycle_counts(cycle)
    by_cohort: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    reaudits: Counter[str] = Counter()
    for cohort, reason, _, n in counts.by_cohort:
        by_cohort[cohort] += n
        by_reason[reason] += n
        if reason == SelectionReason.REAUDIT_AFTER_INADEQUATE:
            reaudits[cohort] += n
    in_sample = sum(by_cohort.values())

    context: dict[str, Any] = {
        "cycle": cycle,
        "is_draft": is_draft,
        "errors": errors,
        "page": page,
        "pagination": pagination(page, page_links(reverse("cycles:detail", args=[cycle.pk]))),
        "in_sample": in_sample,
        # The weekly exports of a very large cycle are written by a worker (`cycle_export`).
        "export_as_job": in_sample > settings.CASEAUDIT_EXPORT_JOB_ROWS,
        "export_rows": settings.CASEAUDIT_EXPORT_JOB_ROWS,
        "reason_rows": [
            (label, by_reason[value]) for value, label in SelectionReason.choices if by_reason[value]
        ],
        "swaps": cycle.swaps.select_related("removed", "added", "by"),
        # A closed cycle's allocation is fixed: no reallocation until the QA lead reopens it.
        "can_reallocate": policy.can(user, policy.REALLOCATE_AUDITS)
        and cycle.status not in (CycleStatus.DRAFT, CycleStatus.CLOSED),
        "status_changes": cycle.status_changes.select_related("by"),
        # The "Case closed" tag leads the QA lead to withdraw the audit (the action asks the policy too).
        "can_withdraw": policy.can(user, policy.WITHDRAW_AUDITS) and not is_draft,
    }
    if is_draft:
        # The planner's view of the register, as the swap form will check it: cheap enough for a page
        # a QA lead opens a few times while reviewing a draft.
        candidates, open_cases = eligible_candidates(cycle.starts_on, exclude_cycle=cycle)
        eligible = Counter(c.cohort for c in candidates)
        context.update(
            open_cases=open_cases,
            eligible_total=len(candidates),
            # A re-audit after Inadequate is sampled although the 12-month rule makes it ineligible, so a
            # cohort can have more in the sample than eligible: the row says how many are re-audits.
            cohort_rows=[
                (label, eligible[slug], by_cohort[slug], reaudits[slug])
                for slug, label in COHORT_LABELS.items()
                if eligible[slug] or by_cohort[slug]
            ],
            reaudits_total=sum(reaudits.values()),
        )
    else:
        today = timezone.localdate()
        context.update(
            today=today,
            progress=cycle_progress(cycle, today=today, counts=counts),
            statuses=[(value, AuditStatus(value).label) for value in COUNTED],
            done_statuses=DONE,
            not_work=NOT_WORK,
            unallocated=counts.unallocated,
            has_auditors=policy.holders(policy.HAVE_AUDITS).exists(),
            cohort_rows=[
                (label, by_cohort[slug]) for slug, label in COHORT_LABELS.items() if by_cohort[slug]
            ],
        )
    # The sample is listed a page at a time, with each case's Child Unique ID: the entry says which page.
    record_access(user, "view", "cycle", cycle.pk, shown("audits", page.paginator.count, page=page))
    return render(request, "cycles/cycle_detail.html", context, status=status)


# The weekly progress export -------------------------------------------------------------------------------


@policy.capability_required(policy.PLAN_CYCLES)
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The file, at once; for a cycle of more audits than CASEAUDIT_EXPORT_JOB_ROWS, a page whose button
    (a POST: no link starts a job on someone's behalf) has a worker write it, as a job whose page shows
    its progress and then the file."""
    user = policy.person(request.user, policy.PLAN_CYCLES)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    cycle = cycle_for(user, pk)
    if is_large(cycle):
        if request.method == "POST":
            return redirect("jobs:detail", start_cycle_export(user, cycle, fmt).pk)
        context = {
            "cycle": cycle,
            "fmt": fmt,
            "what": FORMAT_WORDS[fmt],
            "audits": cycle.audits.count(),
            "keep_days": settings.CASEAUDIT_JOB_KEEP_DAYS,
        }
        return render(request, "cycles/export_large.html", context)
    today = timezone.localdate()
    if fmt == "csv":
        text = io.StringIO()
        export_cycle_csv(cycle, text, today=today)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        binary = io.BytesIO()
        export_cycle_xlsx(cycle, binary, today=today)
        response = HttpResponse(binary.getvalue(), content_type=XLSX_TYPE)
    name = f"{slugify(cycle.name) or f'cycle-{cycle.pk}'}-progress-{today:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    record_access(user, "export", "cycle", cycle.pk, fmt)
    return response
