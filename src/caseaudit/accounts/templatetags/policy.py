"""The policy in templates: `{% load policy %}` then `{% if user|can:"decide-actions" %}`, so that a page
shows a button only to the people the action function would let through."""

from __future__ import annotations

from django import template

from caseaudit import policy

register = template.Library()


@register.filter(name="can")
def can(user: object, capability: str) -> bool:
    """The role-level answer: may this person ever do it? A page about one object passes the object-level
    answer in its context instead (`may_update`, ...)."""
    return policy.can(user, policy.CAPABILITIES[capability])  # type: ignore[arg-type]
