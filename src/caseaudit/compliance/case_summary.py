"""One case as the API and `caseaudit case` give it: who holds it, its key dates, where each came from, and
its timescale checks on a day, as the case page shows them. One shape, so the two never disagree."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseaudit.cases.date_sources import sources_of
from caseaudit.cases.models import Case
from caseaudit.core.register import COHORT_KEY_DATES

from .queries import case_timescales


def case_header(case: Case) -> dict[str, Any]:
    """What a list of cases shows of each (the case's team and worker selected with it)."""
    return {
        "id": case.pk,
        "child_id": case.child_id,
        "cohort": case.cohort,
        "team": case.team.name if case.team else None,
        "worker": case.worker.name if case.worker else None,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
    }


def case_summary(case: Case, day: date) -> dict[str, Any]:
    return {
        **case_header(case),
        "key_dates": {name: getattr(case, name) for name in COHORT_KEY_DATES.get(case.cohort, ())},
        "date_sources": sources_of(case),
        "timescales": [
            {
                "check": result.check,
                "label": result.label,
                "kind": result.kind,
                "status": result.status.value,
                "due_date": result.due_date,
                "days_overdue": result.days_overdue,
                "days_late": result.days_late,
                "counts_from": result.anchor_label,
                "source": result.source,
            }
            for result in case_timescales(case, day)
        ],
    }
