"""Checking an account's fields, the same way for the pages, the command line and the import: each problem
named by its field, in words a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.core.register import NAME_MAX_LENGTH

from .fields import ROLE_LABELS, role_from_text
from .staffing import Placement, other_accounts, placement, placement_problems

USERNAME_MAX = 150


@dataclass(frozen=True)
class AccountFields:
    """An account's fields, checked: what `actions` writes."""

    username: str
    name: str
    email: str
    role_slug: str
    placement: Placement
    capacity: int | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role_slug]

    def as_values(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "name": self.name,
            "email": self.email,
            "role": self.role_slug,
            "team": self.placement.team,
            "staff": self.placement.staff,
            "capacity": self.capacity,
        }


def check_fields(
    text: dict[str, Any], account: User | None = None
) -> tuple[AccountFields | None, dict[str, str]]:
    """Check the fields typed or read from a file (text; capacity may be a number). Returns the checked
    fields, or None and the problems by field. `account` is the account being changed (None: a new one)."""
    problems: dict[str, str] = {}
    username = str(text.get("username") or "").strip()
    name = " ".join(str(text.get("name") or "").split())
    email = str(text.get("email") or "").strip()
    role_text = str(text.get("role") or "").strip()
    if not username:
        problems["username"] = "Enter a username"
    elif len(username) > USERNAME_MAX or not all(c.isalnum() or c in "@.+-_" for c in username):
        problems["username"] = "A username is letters, digits and @ . + - _ only, up to 150 characters"
    else:
        taken = other_accounts(account).filter(username__iexact=username)
        if taken.exists():
            problems["username"] = f"The username {username} is taken"
    if not name:
        problems["name"] = "Enter the person's name"
    elif len(name) > 150:
        problems["name"] = "A name is up to 150 characters"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = "Enter an email address like name@example.gov.uk, or leave it empty"
    role = role_from_text(role_text) if role_text else None
    if not role_text:
        problems["role"] = "Choose a role"
    elif role is None:
        problems["role"] = f"No such role: use one of {', '.join(ROLE_LABELS)}"
    capacity = _capacity(text.get("capacity"), problems)
    if capacity is not None and role is not None and not policy.role_may(role, policy.HAVE_AUDITS):
        problems["capacity"] = "Only an auditor has a capacity: leave it empty for this role"
    where = placement(name, str(text.get("staff") or ""), str(text.get("team") or ""))
    too_long = [f for f, v in (("staff", where.staff), ("team", where.team)) if len(v) > NAME_MAX_LENGTH]
    if too_long:
        problems[too_long[0]] = f"A name in the register is up to {NAME_MAX_LENGTH} characters"
    else:
        problems.update(placement_problems(where, account))
    if problems or role is None:
        return None, problems
    return AccountFields(username, name, email, role, where, capacity), {}


def _capacity(value: Any, problems: dict[str, str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        number = -1
    if number < 0:
        problems["capacity"] = "A capacity is a whole number of audits per cycle, 0 or more"
        return None
    return number
