"""Builders for the people tests."""

from __future__ import annotations

from pathlib import Path

from caseaudit.accounts.models import User
from caseaudit.people.checking import AccountFields, check_fields

HEADER = "username,name,email,role,team,staff,capacity\n"


def fields(account: User | None = None, **given: object) -> AccountFields:
    """Checked fields for a new account, or for changing `account`."""
    values = {"username": "nia", "name": "Nia Newcomer", "email": "", "role": "social-worker", **given}
    checked, problems = check_fields(values, account)
    assert checked is not None, problems
    return checked


def write_csv(folder: Path, *rows: str, name: str = "team.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


TEAM = (
    "nia,Nia Newcomer,nia@example.test,Social worker,East Children and Families,,",
    "ede,Ede Manager,,Team manager,East Children and Families,,",
    "aud,Aud Itor,aud@example.test,auditor,,,4",
)
