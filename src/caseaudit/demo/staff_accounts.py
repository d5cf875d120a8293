"""The accounts of a demo authority larger than the default: every team manager and worker can sign in, and
the extra QA officers audit, as in a real authority where everyone on the register has an account.

The default demo has one account per role and two per team (`authority._ensure_users`); this adds the
rest, in bulk, only when the register is larger than the default. Usernames are the people's made-up names
(`sophie.green`), the extra auditors `auditor-4`, `auditor-5`, ...; everyone shares the demo password and
reads their notifications in the app only, so that a large demo does not fill the outbox."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Staff
from caseaudit.notifications.models import Preference

from .authority import DEMO_PASSWORD, DemoRoster, demo_email

FIRST_EXTRA_AUDITOR = 4  # auditor, auditor-2 and auditor-3 are the demo's own


def extra_auditor_username(index: int) -> str:
    return f"auditor-{FIRST_EXTRA_AUDITOR + index}"


def add_staff_accounts(roster: DemoRoster) -> int:
    """An account for each person of the roster who has none yet; returns how many were added."""
    wanted: list[tuple[str, str, str]] = []  # (username, role, name)
    for team in roster.teams:
        wanted += [(_username(name), Role.TEAM_MANAGER, name) for name in team.managers]
        wanted += [(_username(name), Role.SOCIAL_WORKER, name) for name in team.workers]
    wanted += [
        (extra_auditor_username(i), Role.AUDITOR, name) for i, name in enumerate(roster.extra_auditors)
    ]
    staff = Staff.objects.in_bulk([name for _, _, name in wanted], field_name="name")
    linked = set(User.objects.filter(staff__isnull=False).values_list("staff__name", flat=True))
    taken = set(User.objects.values_list("username", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashed once: each hash is deliberately slow
    users = []
    for username, role, name in wanted:
        if name in linked or username in taken:
            continue
        first, last = name.split(" ", 1)
        users.append(
            User(
                username=username,
                password=password,
                role=role,
                staff=staff[name],
                first_name=first,
                last_name=last,
                email=demo_email(name),
            )
        )
    created = User.objects.bulk_create(users, batch_size=1000)
    Preference.objects.bulk_create(
        [Preference(person=user, email=False) for user in created], batch_size=1000
    )
    return len(created)


def _username(name: str) -> str:
    return demo_email(name).split("@", 1)[0]
