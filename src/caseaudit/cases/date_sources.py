"""Where each of a case's dates came from (docs/domain.md#one-register): the import that last brought or
changed it, which source that was, and the day the source was extracted, as the case page says beside each
date ("SSDA903 return, extracted 31 March 2026")."""

from __future__ import annotations

from django.utils import timezone

from caseaudit.core.register import DATE_COLUMNS

from .models import CREATED_WITH, Case, ImportBatch


def sources_of(case: Case) -> dict[str, str]:
    """By register column, the source of each date the case holds: the import that last changed it, or
    else the one that created the case. None for a case no import made (added before caseaudit kept its
    sources, or the demo's). One query."""
    kept = case.date_sources or {}
    created = kept.get(CREATED_WITH)
    by_column = {
        column: kept.get(column, created)
        for column in (*DATE_COLUMNS, "birth_month")
        if getattr(case, column) is not None
    }
    batches = ImportBatch.objects.in_bulk({b for b in by_column.values() if isinstance(b, int)})
    return {column: describe(batches[batch]) for column, batch in by_column.items() if batch in batches}


def describe(batch: ImportBatch) -> str:
    """A source as people name it, with the day it was extracted, or, where nobody said, the day it was
    imported."""
    if batch.extracted_on is not None:
        return f"{batch.get_kind_display()}, extracted {batch.extracted_on:%-d %B %Y}"
    return f"{batch.get_kind_display()}, imported {timezone.localtime(batch.started_at):%-d %B %Y}"
