"""The tracker's list pages: the improvement meeting (`/actions/`), its printable agenda and its XLSX
export. They read through `meeting.meeting`, which starts from `actions_visible_to`: a team manager sees
their team's actions, a worker their own, the QA team everything. Senior leaders get counts only."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.cases.models import Case
from caseaudit.cycles.reaudits import outstanding_reaudits, reaudit_weeks

from .meeting import counts_by_team, meeting
from .tracker_export import export_meeting_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@policy.capability_required(policy.SEE_TRACKER_COUNTS)
@require_safe
def meeting_view(request: HttpRequest) -> HttpResponse:
    """The meeting for those who use the tracker; the counts per team for those who only see counts."""
    today = timezone.localdate()
    if not policy.can(request.user, policy.USE_TRACKER):
        record_access(request.user, "view", "action-counts")
        return render(
            request, "improvement/action_counts.html", {"rows": counts_by_team(today), "today": today}
        )
    user = policy.person(request.user, policy.USE_TRACKER)
    current = meeting(user, request.GET, today=today)
    record_access(
        user, "view", "action-list", "", shown("actions", len(current.rows), filters=current.filters())
    )
    return render(request, "improvement/meeting.html", {"meeting": current, "query": request.GET.urlencode()})


@policy.capability_required(policy.USE_TRACKER)
@require_safe
def agenda_view(request: HttpRequest) -> HttpResponse:
    """The same list as a page to print for the meeting: no navigation, no forms."""
    user = policy.person(request.user, policy.USE_TRACKER)
    current = meeting(user, request.GET, today=timezone.localdate())
    record_access(
        user, "view", "action-agenda", "", shown("actions", len(current.rows), filters=current.filters())
    )
    return render(request, "improvement/agenda.html", {"meeting": current})


@policy.capability_required(policy.USE_TRACKER)
@require_safe
def export_view(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.USE_TRACKER)
    today = timezone.localdate()
    current = meeting(user, request.GET, today=today)
    binary = io.BytesIO()
    export_meeting_xlsx(current, binary, include_child_id=policy.can(user, policy.READ_CHILD_RECORDS))
    response = HttpResponse(binary.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"actions-{today:%Y-%m-%d}.xlsx"
    )
    record_access(
        user, "export", "action-list", "", shown("actions", len(current.rows), filters=current.filters())
    )
    return response


@policy.capability_required(policy.SEE_REAUDITS)
@require_safe
def reaudit_list(request: HttpRequest) -> HttpResponse:
    """The cases waiting for their re-audit after an Inadequate moderated grade."""
    due = outstanding_reaudits()
    # A closed case is never audited again, so it is not waiting for anything (the planner skips it too).
    cases = Case.objects.filter(closed_on__isnull=True).in_bulk([r.case_id for r in due])
    today = timezone.localdate()
    rows = [(r, cases[r.case_id], max((today - r.due_on).days, 0)) for r in due if r.case_id in cases]
    record_access(request.user, "view", "reaudit-list", "", f"{len(rows)} cases")
    return render(
        request, "improvement/reaudits.html", {"rows": rows, "weeks": reaudit_weeks(), "today": today}
    )
