"""A fingerprint of the completed audits: what results kept between requests (`caseaudit.kept`) about the
grades are filed under, so that any change to a completed audit files them anew, while the drafts being
written (saved with every pause in typing) leave it alone."""

from __future__ import annotations

from caseaudit.kept import table_fingerprint

from .models import Audit


def graded_fingerprint() -> str:
    """How many audits are completed (one submitted, returned, reopened or disposed of), the latest change
    to any of them (moderated, regraded: every write to an audit sets `updated_at`; both read from the
    index of completed audits) and the highest id (a past audit imported)."""
    return table_fingerprint(Audit, rows="completed_on IS NOT NULL")
