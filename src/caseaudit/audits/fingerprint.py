"""A fingerprint of the completed audits: what results kept between requests (`caseaudit.kept`) about the
grades are filed under, so that any change to a completed audit files them anew, while the drafts being
written (saved with every pause in typing) leave it alone."""

from __future__ import annotations

from django.db import connections, router

from .models import Audit


def graded_fingerprint() -> str:
    """What changes whenever a completed audit does, in one query: how many audits are completed (one
    submitted, returned, reopened or disposed of), the latest change to any of them (moderated, regraded:
    every write to an audit sets `updated_at`), and the highest id (a past audit imported). Separate
    subqueries, each answered from an index of completed audits or the primary key."""
    table = Audit._meta.db_table
    alias = router.db_for_read(Audit)
    quoted = connections[alias].ops.quote_name(table)
    completed = f"FROM {quoted} WHERE completed_on IS NOT NULL"
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) {completed}), (SELECT MAX(updated_at) {completed}), "  # noqa: S608
            f"(SELECT MAX(id) FROM {quoted})"
        )
        audits, changed, last = cursor.fetchone()
    return f"{audits}/{changed or ''}/{last or 0}"
