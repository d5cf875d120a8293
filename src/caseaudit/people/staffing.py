"""Where an account sits in the case register: the `cases.Staff` row it belongs to, and that row's team.

A worker sees their own cases and a team manager their team's because the account is linked to the person
the register names (`User.staff`), and that person has a team. So an account's "staff" is the name the
case management system gives the person, and its "team" is that person's team:

- a staff name picks the register's person of that name (the exact spelling first, then ignoring case),
  or adds them to the register when the register does not know them yet (the next register import then
  finds them by that name);
- a team moves that person to the team (adding the team when it is new); no team leaves their team as it
  is;
- a team without a staff name uses the account's own name as the staff name (an auditor with a team, so
  that they are never given a case of their own team);
- one person in the register belongs to one account at most."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from caseaudit.accounts.models import User
from caseaudit.cases.models import Staff, Team


@dataclass(frozen=True)
class Placement:
    staff: str  # "" for none
    team: str  # "" to leave the staff's team as it is


def placement(name: str, staff: str, team: str) -> Placement:
    staff, team = " ".join(staff.split()), " ".join(team.split())
    if team and not staff:
        staff = " ".join(name.split())
    return Placement(staff=staff, team=team)


def find_staff(name: str) -> Staff | None:
    return Staff.objects.filter(name=name).first() or Staff.objects.filter(name__iexact=name).first()


def find_team(name: str) -> Team | None:
    return Team.objects.filter(name=name).first() or Team.objects.filter(name__iexact=name).first()


def other_accounts(account: User | None) -> QuerySet[User]:
    """Every account but `account` (every account, for a new one)."""
    return User.objects.all() if account is None else User.objects.exclude(pk=account.pk)


def placement_problems(where: Placement, account: User | None) -> dict[str, str]:
    """What is wrong with placing `account` (None: a new one) there, by field."""
    if not where.staff:
        return {}
    found = find_staff(where.staff)
    if found is None:
        return {}
    holder = other_accounts(account).filter(staff=found).first()
    if holder is not None:
        return {"staff": f"{found.name} in the register already belongs to the account {holder.username}."}
    return {}


def place(where: Placement) -> Staff | None:
    """The register's person for `where`, added or moved to its team as needed. Inside an action."""
    if not where.staff:
        return None
    staff = find_staff(where.staff) or Staff.objects.create(name=where.staff)
    if where.team:
        team = find_team(where.team) or Team.objects.create(name=where.team)
        if staff.team_id != team.pk:
            staff.team = team
            staff.save(update_fields=["team"])
    return staff
