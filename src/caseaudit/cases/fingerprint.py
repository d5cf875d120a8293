"""A fingerprint of the register: what results kept between requests (`caseaudit.kept`) about the register
as a whole are filed under, so that a change to any case files them anew."""

from __future__ import annotations

from django.db import connections, router

from .models import Case


def register_fingerprint() -> str:
    """What changes whenever the register does, in one query: the number of cases (a case deleted), the
    latest `updated_at` (an import, a closure, a new case: every write to a case sets it) and the highest
    id. Three separate subqueries, each answered from an index: together in one aggregate the database
    would read every case."""
    table = Case._meta.db_table
    alias = router.db_for_read(Case)
    quoted = connections[alias].ops.quote_name(table)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {quoted}), (SELECT MAX(updated_at) FROM {quoted}), "  # noqa: S608
            f"(SELECT MAX(id) FROM {quoted})"
        )
        cases, changed, last = cursor.fetchone()
    return f"{cases}/{changed or ''}/{last or 0}"
