"""The data quality page: the register's implausible data, for the QA lead to put right at source."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.core import data_quality
from caseaudit.core.cohorts import COHORT_LABELS

from .quality import register_problems

# The cases listed under each problem; the count says how many there are in all.
SHOWN = 50


@policy.capability_required(policy.IMPORT_REGISTER)
@require_safe
def data_quality_page(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    today = timezone.localdate()
    found = register_problems(today)
    groups: list[dict[str, Any]] = []
    shown = 0
    for problem, count in data_quality.counts(found):
        cases = found.filter(pl.col("problem") == problem.slug).head(SHOWN)
        groups.append(
            {
                "problem": problem,
                "count": count,
                "cases": [
                    {**row, "cohort_label": COHORT_LABELS.get(row["cohort"], row["cohort"])}
                    for row in cases.iter_rows(named=True)
                ],
                "more": count - cases.height,
            }
        )
        shown += cases.height
    record_access(user, "view", "data-quality", detail=f"{shown} cases shown of {found.height} problems")
    return render(
        request,
        "cases/data_quality.html",
        {
            "groups": groups,
            "cases": found["child_id"].n_unique(),
            "today": today,
            "checks": data_quality.PROBLEMS,
        },
    )
