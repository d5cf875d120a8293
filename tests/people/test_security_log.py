"""The security log keeps every account added, every change of role (old and new), every account switched
off or on, and every password chosen: the account, who did it, and never the password or the link."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from caseaudit.accounts.models import SecurityEvent, User
from caseaudit.people import actions
from caseaudit.policy import SYSTEM

from .helpers import TEAM, fields, write_csv

Event = SecurityEvent.Event


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Events about a change are written as its transaction commits: within this, as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def events() -> list[tuple[str, str, str]]:
    return [(e.event, e.username, e.detail) for e in SecurityEvent.objects.order_by("seq")]


def test_adding_changing_and_switching_an_account_off_and_on_are_kept(personas, committing):
    admin = personas.administrator
    with committing():
        sent = actions.add_account(fields(), acting_user=admin)
    nia = sent.user
    with committing():
        actions.change_account(nia, fields(nia, name="Nia Renamed"), acting_user=admin)  # not a role
    with committing():
        actions.change_account(nia, fields(nia, role="auditor"), acting_user=admin)
    with committing():
        actions.deactivate_account(nia, acting_user=admin)
    with committing():
        actions.reactivate_account(nia, acting_user=SYSTEM)
    with committing():
        actions.choose_password(nia, "a long and unusual passphrase", acting_user=nia)
    assert events() == [
        (Event.ACCOUNT_CREATED, "nia", "role social-worker, by administrator"),
        (Event.ROLE_CHANGED, "nia", "social-worker → auditor, by administrator"),
        (Event.ACCOUNT_DEACTIVATED, "nia", "by administrator"),
        (Event.ACCOUNT_REACTIVATED, "nia", "by the command line"),
        (Event.PASSWORD_SET, "nia", "first password"),
    ]
    assert all(e.user == nia for e in SecurityEvent.objects.all())
    stored = str(list(SecurityEvent.objects.values()))
    assert "passphrase" not in stored and sent.url.rstrip("/").rsplit("/", 1)[-1] not in stored


def test_a_refused_change_leaves_no_event(personas, committing):
    nia = actions.add_account(fields(), acting_user=personas.administrator).user
    SecurityEvent.objects.all().delete()
    with committing(), pytest.raises(PermissionDenied):
        actions.change_account(nia, fields(nia, role="qa-lead"), acting_user=personas.auditor)
    assert events() == []


def test_an_import_keeps_each_account_added_changed_and_deactivated(personas, tmp_path, committing):
    def run(*args: str) -> None:
        with committing():
            call_command("users", *args, stdout=io.StringIO(), stderr=io.StringIO())

    run("import", str(write_csv(tmp_path, *TEAM)))
    promoted = write_csv(tmp_path, TEAM[0].replace("Social worker", "Team manager"), *TEAM[1:], name="t2.csv")
    run("import", str(promoted), "--deactivate-missing")
    kept = events()
    assert (Event.ACCOUNT_CREATED, "aud", "role auditor, by the command line, from team.csv") in kept
    promotion = "social-worker → team-manager, by the command line, from t2.csv"
    assert (Event.ROLE_CHANGED, "nia", promotion) in kept
    assert (Event.ACCOUNT_DEACTIVATED, "qa-lead", "by the command line, from t2.csv") in kept
    assert User.objects.filter(username="nia", role="team-manager").exists()
