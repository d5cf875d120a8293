"""No lost updates: every change to an audit names the version it was made on (optimistic locking)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from .models import Audit


class EditConflict(Exception):
    """Someone else changed the audit after this person opened it. Nothing of theirs was overwritten;
    the message says what to do."""


def claim_version(audit: Audit, expected_version: int) -> None:
    """Move the audit from `expected_version` to the next, or raise EditConflict if it has moved on.
    Call inside the transaction that makes the change: the conditional UPDATE is atomic, so of two people
    saving on the same version exactly one succeeds."""
    moved = Audit.objects.filter(pk=audit.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise EditConflict(
            "This audit was changed by someone else after you opened it, so your change was not saved. "
            "Copy anything you need, reload the page to see their changes, then make yours again."
        )
    audit.version = expected_version + 1
