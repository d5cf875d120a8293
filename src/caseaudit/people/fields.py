"""An account's fields as the people pages, `caseaudit users` and the account import read and write them.

This module, with the policy, is the one place that reads a person's role: to show it, store it and list
people by it, never to decide what they may do (that is `caseaudit.policy`'s alone)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from caseaudit.accounts.models import Role, User

# The columns of `caseaudit users list --format csv` and of the import file, in this order.
FIELDS = ("username", "name", "email", "role", "team", "staff", "capacity")
LIST_FIELDS = (*FIELDS, "active")

ROLE_LABELS = dict(Role.choices)
_ROLE_KEYS = {
    re.sub(r"[^a-z]", "", text.lower()): slug for slug, label in Role.choices for text in (slug, label)
}


def role_from_text(text: str) -> str | None:
    """The role slug for a slug or label as a spreadsheet may spell it ("QA lead", "qa-lead", "QA Lead")."""
    return _ROLE_KEYS.get(re.sub(r"[^a-z]", "", text.lower()))


def role_of(user: User) -> str:
    return user.role


def set_role(user: User, role: str) -> None:
    user.role = role


def with_role(people: QuerySet[User], role: str) -> QuerySet[User]:
    return people.filter(role=role)


def split_name(name: str) -> tuple[str, str]:
    """A full name as Django's first and last name: the last word is the last name, so that
    `get_full_name()` gives the name back as it was written (spaces tidied)."""
    words = name.split()
    if len(words) < 2:
        return " ".join(words), ""
    return " ".join(words[:-1]), words[-1]


def values_of(user: User) -> dict[str, Any]:
    """What an account holds, in the terms of the list and the import file."""
    staff = user.staff
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "role": user.role,
        "team": staff.team.name if staff is not None and staff.team is not None else "",
        "staff": staff.name if staff is not None else "",
        "capacity": user.audit_capacity,
        "active": user.is_active,
    }
