"""Where each of a case's dates came from (docs/domain.md#one-register): the import that last brought or
changed it, which source that was, and the day the source was extracted, as the case page says beside each
date ("SSDA903 return, extracted 31 March 2026")."""

from __future__ import annotations

from django.utils import timezone

from .models import Case, ImportBatch


def sources_of(case: Case) -> dict[str, str]:
    """By register column, the source of the case's date: "" for a date no import brought (a case added
    before caseaudit kept its sources, or the demo's). One query."""
    by_column = {
        column: batch for column, batch in (case.date_sources or {}).items() if isinstance(batch, int)
    }
    batches = ImportBatch.objects.in_bulk(set(by_column.values()))
    return {column: describe(batches[batch]) for column, batch in by_column.items() if batch in batches}


def describe(batch: ImportBatch) -> str:
    """A source as people name it, with the day it was extracted, or, where nobody said, the day it was
    imported."""
    if batch.extracted_on is not None:
        return f"{batch.get_kind_display()}, extracted {batch.extracted_on:%-d %B %Y}"
    return f"{batch.get_kind_display()}, imported {timezone.localtime(batch.started_at):%-d %B %Y}"
