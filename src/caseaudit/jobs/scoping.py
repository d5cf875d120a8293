"""Who may see which job: only the person who started it. A job's page shows what their import found or
what their export holds; nobody else, whatever their role, has a reason to read it. The administrators'
list of every job (`views.job_list`) shows what each job is and how it went, never its result."""

from __future__ import annotations

from django.db.models import QuerySet

from caseaudit.accounts.models import User

from .models import Job


def jobs_visible_to(user: object) -> QuerySet[Job]:
    if not isinstance(user, User) or not user.is_active:
        return Job.objects.none()
    return Job.objects.filter(started_by=user)
