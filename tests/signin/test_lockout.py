"""Too many failed attempts lock a username (5) or a client address (20) out for 15 minutes, even with the
right password; the QA lead or IT unlocks it with `caseaudit unlock`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.signin.models import FailedSignIn, Lockout
from tests.factories import PASSWORD, make_user

from .conftest import sign_in

pytestmark = pytest.mark.django_db

LOCKED = (
    "Too many failed attempts. Try again in 15 minutes, or ask your QA lead or administrator to unlock "
    "your account."
)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    make_user(Role.AUDITOR, "ada")
    for attempt in range(1, 31):
        page = sign_in(client, "ada", f"guess-{attempt}").content.decode()
        if attempt < 5:
            assert "Please enter a correct username and password" in page, attempt
        else:
            assert LOCKED in page, attempt
    response = sign_in(client, "ada")
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert not _signed_in(client)
    # Every attempt is on the record, and none holds a password.
    assert FailedSignIn.objects.filter(username="ada").count() == 31
    assert Lockout.objects.filter(kind="username", key="ada").count() == 1
    stored = [str(value) for row in FailedSignIn.objects.values() for value in row.values()]
    stored += [str(value) for row in Lockout.objects.values() for value in row.values()]
    assert not [value for value in stored if "guess" in value]


def test_the_refusal_is_the_same_for_a_username_nobody_has(client):
    for attempt in range(5):
        sign_in(client, "nobody", f"guess-{attempt}")
    assert LOCKED in sign_in(client, "nobody").content.decode()


def test_four_wrong_passwords_still_let_the_right_one_in_and_start_the_count_afresh(client):
    make_user(Role.AUDITOR, "ada")
    for attempt in range(4):
        sign_in(client, "ada", f"guess-{attempt}")
    assert sign_in(client, "ada").status_code == 302 and _signed_in(client)
    client.logout()
    for attempt in range(4):
        sign_in(client, "ada", f"again-{attempt}")
    assert sign_in(client, "ada").status_code == 302 and _signed_in(client)


def test_the_lockout_ends_after_fifteen_minutes(client):
    make_user(Role.AUDITOR, "ada")
    for attempt in range(5):
        sign_in(client, "ada", f"guess-{attempt}")
    assert LOCKED in sign_in(client, "ada").content.decode()
    earlier = timezone.now() - timedelta(minutes=16)
    Lockout.objects.update(until=earlier + timedelta(minutes=15))
    FailedSignIn.objects.update(at=earlier)
    assert sign_in(client, "ada").status_code == 302 and _signed_in(client)


def test_twenty_failures_from_one_address_lock_that_address_out_for_everyone(client):
    make_user(Role.AUDITOR, "ada")
    office, elsewhere = "192.0.2.10", "198.51.100.7"
    # Four tries at each of five usernames: no username reaches its limit, the address does.
    for name in ("bob", "cat", "dan", "eve", "fay"):
        for attempt in range(4):
            sign_in(client, name, f"guess-{attempt}", REMOTE_ADDR=office)
    assert LOCKED in sign_in(client, "ada", REMOTE_ADDR=office).content.decode()
    assert Lockout.objects.filter(kind="address", key=office).exists()
    # The same person from another address signs in.
    assert sign_in(client, "ada", REMOTE_ADDR=elsewhere).status_code == 302


def test_unlock_lets_the_person_in_at_once_and_is_recorded(client):
    make_user(Role.AUDITOR, "ada")
    for attempt in range(6):
        sign_in(client, "ada", f"guess-{attempt}")
    out = StringIO()
    call_command("unlock", "ada", stdout=out)
    assert "ada is unlocked" in out.getvalue()
    assert sign_in(client, "ada").status_code == 302 and _signed_in(client)
    change = ChangeEvent.objects.get(event="sign-in.unlocked")
    assert (change.subject_type, change.subject_id, change.new) == ("username", "ada", {"lockouts ended": 1})
    # The failed attempts stay on the record.
    assert FailedSignIn.objects.filter(username="ada").count() == 6


def test_unlock_an_address(client):
    office = "192.0.2.10"
    for attempt in range(20):
        sign_in(client, f"user-{attempt}", "guess", REMOTE_ADDR=office)
    make_user(Role.AUDITOR, "ada")
    assert LOCKED in sign_in(client, "ada", REMOTE_ADDR=office).content.decode()
    call_command("unlock", "--address", office, stdout=StringIO())
    assert sign_in(client, "ada", PASSWORD, REMOTE_ADDR=office).status_code == 302


def test_only_the_qa_lead_or_administrator_unlocks_when_a_person_is_named(client):
    make_user(Role.AUDITOR, "ada")
    make_user(Role.MODERATOR, "mo")
    make_user(Role.QA_LEAD, "lead")
    for attempt in range(5):
        sign_in(client, "ada", f"guess-{attempt}")
    with pytest.raises(Exception, match="Only the QA lead or an administrator may unlock accounts"):
        call_command("unlock", "ada", "--as", "mo", stdout=StringIO())
    call_command("unlock", "ada", "--as", "lead", stdout=StringIO())
    assert ChangeEvent.objects.get(event="sign-in.unlocked").actor_name == "lead"
