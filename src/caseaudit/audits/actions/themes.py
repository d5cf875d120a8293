"""The controlled list of themes that findings are tagged with. The QA lead changes it (or the command line,
`caseaudit themes`); a theme in use is retired rather than deleted, so past findings keep their theme."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.policy import Actor

from ..models import Theme


@changes_state
def add_theme(label: str, *, acting_user: Actor) -> Theme:
    """Offer a new theme for findings, or bring back a retired one of the same name."""
    policy.require(acting_user, policy.MANAGE_THEMES)
    label = " ".join(label.split())
    if not label:
        raise ValidationError("Give the theme a name.")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    theme, created = Theme.objects.get_or_create(slug=slug, defaults={"label": label})
    if created:
        record_change(acting_user, "theme.added", theme, new={"slug": slug, "label": label})
        return theme
    if theme.active:
        raise ValidationError(f"There is already a theme {theme.label!r}.")
    old: dict[str, object] = {"active": False}
    new: dict[str, object] = {"active": True}
    if theme.label != label:  # brought back under the spelling given now
        old["label"], new["label"] = theme.label, label
    theme.label, theme.active = label, True
    theme.save(update_fields=["label", "active"])
    record_change(acting_user, "theme.restored", theme, old=old, new=new)
    return theme


@changes_state
def retire_theme(slug: str, *, acting_user: Actor) -> Theme:
    """Take a theme off the list offered for new findings; findings that use it keep it."""
    policy.require(acting_user, policy.MANAGE_THEMES)
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise ValidationError(f"No theme {slug!r}.")
    if not theme.active:
        raise ValidationError(f"The theme {theme.label!r} is already retired.")
    theme.active = False
    theme.save(update_fields=["active"])
    record_change(acting_user, "theme.retired", theme, old={"active": True}, new={"active": False})
    return theme
