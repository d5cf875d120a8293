"""The register's filters, shared by the register page and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .forms import UNALLOCATED
from .models import Case


def filtered(visible: QuerySet[Case], filters: dict[str, str]) -> QuerySet[Case]:
    """The cases of `visible` that the register's filters (`forms.RegisterFilterForm.filters`) keep: by
    status, cohort, team, worker (or none) and a part of the Child Unique ID. The register page and the
    API filter with this, so that the two never disagree."""
    cases = visible
    if filters["status"] == "open":
        cases = cases.filter(closed_on__isnull=True)
    elif filters["status"] == "closed":
        cases = cases.filter(closed_on__isnull=False)
    if filters["cohort"]:
        cases = cases.filter(cohort=filters["cohort"])
    if filters["team"]:
        cases = cases.filter(team_id=int(filters["team"]))
    if filters["worker"] == UNALLOCATED:
        cases = cases.filter(worker__isnull=True)
    elif filters["worker"]:
        cases = cases.filter(worker_id=int(filters["worker"]))
    if filters["q"]:
        cases = cases.filter(child_id__icontains=filters["q"])
    return cases
