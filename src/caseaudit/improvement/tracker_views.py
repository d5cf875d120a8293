"""The tracker's list pages: the improvement meeting (`/actions/`), its printable agenda and its XLSX
export. They read through `meeting.meeting`, which starts from `actions_visible_to`: a team manager sees
their team's actions, a worker their own, the QA team everything. Senior leaders get counts only."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case
from caseaudit.cycles.reaudits import outstanding_reaudits, reaudit_weeks

from .meeting import counts_by_team, meeting
from .tracker import may_use_tracker
from .tracker_export import export_meeting_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def tracker_user(request: HttpRequest) -> User:
    """Someone who may read actions: the QA team, team managers and workers (each their own scope)."""
    user = request.user
    if not may_use_tracker(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


@require_safe
def meeting_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    if isinstance(user, User) and user.is_active and user.role == Role.SENIOR_LEADER:
        record_access(user, "view", "action-counts")
        return render(
            request, "improvement/action_counts.html", {"rows": counts_by_team(today), "today": today}
        )
    user = tracker_user(request)
    current = meeting(user, request.GET, today=today)
    record_access(user, "view", "action-list", "", f"{len(current.rows)} actions")
    return render(
        request,
        "improvement/meeting.html",
        {
            "meeting": current,
            "query": request.GET.urlencode(),
            "may_recommend": user.is_qa_lead,
        },
    )


@require_safe
def agenda_view(request: HttpRequest) -> HttpResponse:
    """The same list as a page to print for the meeting: no navigation, no forms."""
    user = tracker_user(request)
    current = meeting(user, request.GET, today=timezone.localdate())
    record_access(user, "view", "action-agenda", "", f"{len(current.rows)} actions")
    return render(request, "improvement/agenda.html", {"meeting": current})


@require_safe
def export_view(request: HttpRequest) -> HttpResponse:
    user = tracker_user(request)
    today = timezone.localdate()
    current = meeting(user, request.GET, today=today)
    binary = io.BytesIO()
    export_meeting_xlsx(current, binary, include_child_id=user.sees_child_level_data)
    response = HttpResponse(binary.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"actions-{today:%Y-%m-%d}.xlsx"
    )
    record_access(user, "export", "action-list", "", f"{len(current.rows)} actions")
    return response


@require_safe
def reaudit_list(request: HttpRequest) -> HttpResponse:
    """The cases waiting for their re-audit after an Inadequate moderated grade (QA lead, moderators)."""
    user = request.user
    if not (isinstance(user, User) and user.is_active and user.role in (Role.QA_LEAD, Role.MODERATOR)):
        raise PermissionDenied
    due = outstanding_reaudits()
    cases = Case.objects.in_bulk([r.case_id for r in due])
    today = timezone.localdate()
    rows = [(r, cases[r.case_id], max((today - r.due_on).days, 0)) for r in due if r.case_id in cases]
    record_access(user, "view", "reaudit-list", "", f"{len(rows)} cases")
    return render(
        request, "improvement/reaudits.html", {"rows": rows, "weeks": reaudit_weeks(), "today": today}
    )
