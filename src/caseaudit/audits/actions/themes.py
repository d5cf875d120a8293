"""The controlled list of themes that findings are tagged with. The QA lead changes it (or the command line,
`caseaudit themes`); a theme in use is retired rather than deleted, so past findings keep their theme."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.policy import Actor

from ..models import Theme, ThemeKind

NAME_NEEDED = "Give the theme a name"
KIND_NEEDED = "Select which findings the theme is for"


@changes_state
def add_theme(label: str, *, kind: str = ThemeKind.BOTH, acting_user: Actor) -> Theme:
    """Offer a new theme for findings, of `kind` (strengths, areas for development, or both), or bring
    back a retired one of the same name."""
    policy.require(acting_user, policy.MANAGE_THEMES)
    label = " ".join(label.split())
    if not label:
        raise ValidationError({"label": NAME_NEEDED})
    if kind not in ThemeKind.values:
        raise ValidationError({"kind": KIND_NEEDED})
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    if not slug:
        raise ValidationError({"label": "Give the theme a name with letters or numbers in it"})
    theme, created = Theme.objects.get_or_create(slug=slug, defaults={"label": label, "kind": kind})
    if created:
        record_change(acting_user, "theme.added", theme, new={"slug": slug, "label": label, "kind": kind})
        return theme
    if theme.active:
        raise ValidationError({"label": f"There is already a theme \u201c{theme.label}\u201d"})
    old: dict[str, object] = {"active": False}
    new: dict[str, object] = {"active": True}
    if theme.label != label:  # brought back under the spelling given now
        old["label"], new["label"] = theme.label, label
    if theme.kind != kind:
        old["kind"], new["kind"] = theme.kind, kind
    theme.label, theme.active, theme.kind = label, True, kind
    theme.save(update_fields=["label", "active", "kind"])
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
