"""No lost updates: every change to a record that two people may edit at once (an audit, an action) names
the version it was made on (optimistic locking). One helper for every such model."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone


class EditConflict(Exception):
    """Someone else changed the record after this person opened it. Nothing of theirs was overwritten;
    the message says what to do."""


def conflict_message(thing: str) -> str:
    return (
        f"This {thing} was changed by someone else after you opened it, so your change was not saved. "
        "Copy anything you need, reload the page to see their changes, then make yours again."
    )


def claim_version(record: models.Model, expected_version: int | None = None, *, thing: str = "") -> None:
    """Move `record` from `expected_version` (by default, the version it holds) to the next, or raise
    EditConflict if it has moved on. Call inside the transaction that makes the change: the conditional
    UPDATE is atomic, so of two people saving on the same version exactly one succeeds. The record's
    model needs a `version` field and an `updated_at` field."""
    expected = record.version if expected_version is None else expected_version  # type: ignore[attr-defined]
    moved = (
        type(record)
        ._default_manager.filter(pk=record.pk, version=expected)
        .update(version=F("version") + 1, updated_at=timezone.now())
    )
    if not moved:
        raise EditConflict(conflict_message(thing or str(record._meta.verbose_name)))
    record.version = expected + 1  # type: ignore[attr-defined]
