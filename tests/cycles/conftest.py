from __future__ import annotations

from dataclasses import dataclass

import pytest

from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case, Team

from ..factories import make_case, make_staff, make_team, make_user


@pytest.fixture
def qa_client(client, personas):
    client.force_login(personas.qa_lead)
    return client


@pytest.fixture
def moderator_client(client, personas):
    client.force_login(personas.moderator)
    return client


@dataclass
class Register:
    """Twenty open cases in three teams and four cohorts, and three auditors: one of them (Nell) a team
    manager in North, so she may never audit North's cases."""

    north: Team
    east: Team
    west: Team
    cases: list[Case]
    auditors: list[User]


@pytest.fixture
def register(personas) -> Register:
    north = personas.own_case.team
    east, west = make_team("East Early Help"), make_team("West Children in Care")
    cases = []
    plan = [("N", north, "care-leaver", 6), ("E", east, "early-help", 6), ("W", west, "looked-after", 4)]
    plan.append(("P", west, "child-protection", 4))
    for prefix, team, cohort, count in plan:
        cases.extend(make_case(f"{prefix}1{n:05d}", cohort, team) for n in range(count))
    auditors = [
        make_user(Role.AUDITOR, "ann-auditor"),
        make_user(Role.AUDITOR, "ben-auditor"),
        make_user(Role.AUDITOR, "nell-auditor", staff=make_staff("Nell North", north)),
    ]
    for user, (first, last) in zip(
        auditors, [("Ann", "Audit"), ("Ben", "Check"), ("Nell", "North")], strict=True
    ):
        user.first_name, user.last_name = first, last
        user.save()
    # The personas' auditor takes no part in these tests' allocations.
    personas.auditor.is_active = False
    personas.auditor.save()
    return Register(north, east, west, cases, auditors)
