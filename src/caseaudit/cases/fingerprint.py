"""A fingerprint of the register: what results kept between requests (`caseaudit.kept`) about the register
as a whole are filed under, so that a change to any case files them anew."""

from __future__ import annotations

from caseaudit.kept import table_fingerprint

from .models import Case


def register_fingerprint() -> str:
    """How many cases (one deleted), the latest change to any (an import, a closure, a new case: every
    write to a case sets `updated_at`) and the highest id."""
    return table_fingerprint(Case)
