"""The "Timescales" list of one case, for the case page and the panel beside the audit form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from caseaudit.cases.models import Case

from .display import STATUS_TAG_CLASSES, kind_label, status_text
from .queries import case_timescales


def timescales_context(case: Case, as_of: date | None = None) -> dict[str, Any]:
    """`timescales` (one dict per check of the case's cohort: check, label, status, status_text, tag_class,
    due_date, days_overdue, days_late, anchor_label, interval_note, kind, source) and `timescales_as_of`
    (today unless given), for templates/compliance/includes/timescales.html. A closed case has no checks."""
    as_of = as_of or timezone.localdate()
    return {
        "timescales": [
            {
                "check": result.check,
                "label": result.label,
                "status": result.status.value,
                "status_text": status_text(result.status, result.days_overdue),
                "tag_class": STATUS_TAG_CLASSES[result.status],
                "due_date": result.due_date,
                "days_overdue": result.days_overdue,
                "days_late": result.days_late,
                "anchor_label": result.anchor_label,
                "interval_note": result.interval_note,
                "kind": kind_label(result.kind),
                "source": result.source,
            }
            for result in case_timescales(case, as_of)
        ],
        "timescales_as_of": as_of,
    }
