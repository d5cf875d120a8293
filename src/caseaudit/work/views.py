"""The home page, "Your work": the panels of what needs the signed-in person now, whatever their role,
or "Nothing needs you today" with the pages they usually use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User

from .panels import your_work


@policy.signed_in
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # signed in
    panels = your_work(user, timezone.localdate())
    child_level = [panel for panel in panels if panel.child_level]
    if child_level:
        # The page lists children's records (by Child Unique ID): say which panels, never which children.
        record_access(
            user,
            "view",
            "your-work",
            "",
            ", ".join(f"{panel.key} {len(panel.lines)}" for panel in child_level),
        )
    return render(request, "work/your_work.html", {"panels": panels})
