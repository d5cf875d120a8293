"""Builders for test data. Synthetic only; deterministic so failures reproduce."""

from __future__ import annotations

import itertools
from datetime import date

from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case, Staff, Team

_serial = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_team(name: str | None = None) -> Team:
    return Team.objects.get_or_create(name=name or f"Team {next(_serial)}")[0]


def make_staff(name: str | None = None, team: Team | None = None) -> Staff:
    return Staff.objects.create(name=name or f"Worker {next(_serial)}", team=team)


def make_case(
    child_id: str | None = None,
    cohort: str = "care-leaver",
    team: Team | None = None,
    worker: Staff | None = None,
    manager: Staff | None = None,
    **dates: date | None,
) -> Case:
    return Case.objects.create(
        child_id=child_id or f"C{next(_serial):06d}",
        cohort=cohort,
        team=team,
        worker=worker,
        manager=manager,
        **dates,
    )


def make_user(role: str, username: str | None = None, staff: Staff | None = None) -> User:
    user = User.objects.create_user(
        username=username or f"{role}-{next(_serial)}", password=PASSWORD, role=role, staff=staff
    )
    return user


__all__ = ["PASSWORD", "Role", "make_case", "make_staff", "make_team", "make_user"]
