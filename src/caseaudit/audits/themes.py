"""The controlled list of themes that findings are tagged with. The QA lead changes it; a theme in use is
retired rather than deleted, so past findings keep their theme."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User

from .models import Theme


def _require_qa_lead(user: User | None) -> None:
    if user is not None and not user.is_qa_lead:
        raise PermissionDenied("Only the QA lead changes the list of themes.")


def add_theme(label: str, *, acting_user: User | None) -> Theme:
    _require_qa_lead(acting_user)
    label = " ".join(label.split())
    if not label:
        raise ValidationError("Give the theme a name.")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    with transaction.atomic():
        theme, created = Theme.objects.get_or_create(slug=slug, defaults={"label": label})
        if not created and theme.active:
            raise ValidationError(f"There is already a theme {theme.label!r}.")
        theme.label, theme.active = label, True
        theme.save(update_fields=["label", "active"])
        record_access(acting_user, "create" if created else "update", "theme", theme.pk, slug)
    return theme


def retire_theme(slug: str, *, acting_user: User | None) -> Theme:
    """Take a theme off the list offered for new findings; findings that use it keep it."""
    _require_qa_lead(acting_user)
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise ValidationError(f"No theme {slug!r}.")
    with transaction.atomic():
        theme.active = False
        theme.save(update_fields=["active"])
        record_access(acting_user, "update", "theme", theme.pk, f"{slug} retired")
    return theme
