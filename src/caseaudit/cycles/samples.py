"""Which cases sit in a live sample: one of a planned or in-progress cycle, whose audits are still due."""

from __future__ import annotations

from collections.abc import Iterable

from caseaudit.audits.models import Audit

from .models import CycleStatus

LIVE = (CycleStatus.PLANNED, CycleStatus.IN_PROGRESS)


def live_sample_cases(case_ids: Iterable[int]) -> set[int]:
    """Of these case ids, those in a planned or in-progress cycle's sample."""
    ids = list(case_ids)
    found: set[int] = set()
    # In chunks: a truncated extract may close tens of thousands of cases, more than a query may name.
    for start in range(0, len(ids), 5000):
        found.update(
            Audit.objects.filter(case_id__in=ids[start : start + 5000], cycle__status__in=LIVE).values_list(
                "case_id", flat=True
            )
        )
    return found
