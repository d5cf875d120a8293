"""The security log keeps every sign-in, failure, lockout, unlock and sign-out, and every change to a
person's second factor: who, when, from where, and never a password or a code."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from caseaudit.accounts.models import Role, SecurityEvent
from caseaudit.signin.actions import (
    confirm_authenticator,
    reset_mfa,
    sign_out_everywhere,
    start_authenticator,
    unlock,
)
from caseaudit.signin.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.factories import PASSWORD, make_user

from .conftest import code_for, sign_in

pytestmark = pytest.mark.django_db
Event = SecurityEvent.Event


@pytest.fixture
def ada():
    return make_user(Role.AUDITOR, "ada")


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Events about a change are written as its transaction commits, which a test's never does: within
    this, they are written as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def events() -> list[tuple[str, str, str]]:
    return [(e.event, e.username, e.detail) for e in SecurityEvent.objects.order_by("seq")]


def test_signing_in_and_out_are_kept_with_the_address(client, ada):
    sign_in(client, "ada", REMOTE_ADDR="198.51.100.4")
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.4")
    assert events() == [(Event.SIGNED_IN, "ada", "password"), (Event.SIGNED_OUT, "ada", "")]
    signed_in = SecurityEvent.objects.get(event=Event.SIGNED_IN)
    assert (signed_in.user, signed_in.address, signed_in.os_user) == (ada, "198.51.100.4", "")


def test_a_wrong_password_is_kept_without_the_password(client, ada):
    sign_in(client, "ada", "my-secret-guess")
    sign_in(client, "nobody-here", "another-guess")
    assert events() == [
        (Event.SIGN_IN_FAILED, "ada", "wrong password, or no such active account"),
        (Event.SIGN_IN_FAILED, "nobody-here", "wrong password, or no such active account"),
    ]
    assert not any("guess" in str(values) for values in SecurityEvent.objects.values())


def test_a_lockout_and_the_refusals_after_it_are_kept(client, ada, committing):
    for attempt in range(6):
        with committing():
            sign_in(client, "Ada", f"guess-{attempt}")
    kinds = [event for event, _, _ in events()]
    assert kinds == [Event.SIGN_IN_FAILED] * 5 + [Event.LOCKED_OUT, Event.SIGN_IN_FAILED]
    assert events()[5] == (Event.LOCKED_OUT, "ada", "5 failed attempts: locked for 15 minutes")
    assert events()[6] == (Event.SIGN_IN_FAILED, "Ada", "refused: locked out")


def test_unlocking_names_who_unlocked(client, ada, personas, committing):
    with committing():
        unlock(username="ADA", acting_user=personas.qa_lead)
    with committing():
        call_command("unlock", "--address", "192.0.2.7", stdout=StringIO())
    assert events() == [
        (Event.UNLOCKED, "ada", "by qa-lead; 0 lockouts ended"),
        (Event.UNLOCKED, "", "client address 192.0.2.7, by the command line; 0 lockouts ended"),
    ]


def test_signing_out_everywhere_is_kept(client, ada, committing):
    sign_in(client, "ada")
    with committing():
        client.post(reverse("signin:sign-out-everywhere"))
    # (In this order in the service; here the first waits for the end of the block.)
    assert sorted(events()[1:]) == [
        (Event.SIGNED_OUT, "ada", ""),
        (Event.SIGNED_OUT_EVERYWHERE, "ada", "1 sessions ended"),
    ]


@pytest.mark.parametrize(
    ("clock", "seconds_ago", "why"),
    [(LAST_SEEN, 31 * 60, "idle too long"), (SIGNED_IN_AT, 13 * 3600, "signed in too long ago")],
)
def test_a_session_that_timed_out_is_kept_once(client, ada, clock, seconds_ago, why):
    sign_in(client, "ada")
    session = client.session
    session[clock] = time.time() - seconds_ago
    session.save()
    client.get(reverse("cases:list"))
    assert events()[1:] == [(Event.SESSION_EXPIRED, "ada", why)]


def test_setting_up_the_app_and_signing_in_with_it_are_kept(client, ada, mfa, committing):
    sign_in(client, "ada")
    client.get(reverse("signin:set-up"))
    device = ada.totpdevice_set.get()
    with committing():
        client.post(reverse("signin:set-up"), {"code": code_for(device), "next": "/"})
    client.post(reverse("logout"))
    sign_in(client, "ada")
    client.post(reverse("signin:code"), {"code": "000000", "next": "/"})
    client.post(reverse("signin:code"), {"code": code_for(device, drift=1), "next": "/"})
    assert events() == [
        (Event.SIGNED_IN, "ada", "password, code to follow"),
        (Event.MFA_ENROLLED, "ada", "authenticator app, 10 recovery codes"),
        (Event.SIGNED_OUT, "ada", ""),
        (Event.SIGNED_IN, "ada", "password, code to follow"),
        (Event.SIGN_IN_FAILED, "ada", "wrong code"),
        (Event.SIGNED_IN, "ada", "code from the authenticator app"),
    ]


def test_a_recovery_code_used_is_kept_without_the_code(client, ada, mfa, committing):
    codes = confirm_authenticator(start_authenticator(acting_user=ada), acting_user=ada)
    sign_in(client, "ada")
    with committing():
        client.post(reverse("signin:code"), {"code": codes[0], "next": "/"})
    assert events()[-1] == (Event.RECOVERY_CODE_USED, "ada", "to sign in; 9 left")
    assert not any(code in str(values) for values in SecurityEvent.objects.values() for code in codes)


def test_new_recovery_codes_replacing_old_ones_are_kept(ada, committing):
    confirm_authenticator(start_authenticator(acting_user=ada), acting_user=ada)
    StaticToken.objects.filter(device__user=ada).first().delete()
    with committing():
        confirm_authenticator(start_authenticator(acting_user=ada), acting_user=ada)
    assert events()[-1] == (Event.RECOVERY_CODES_REPLACED, "ada", "9 unused codes replaced")


def test_a_reset_authenticator_names_who_reset_it(client, ada, personas, committing):
    confirm_authenticator(start_authenticator(acting_user=ada), acting_user=ada)
    with committing():
        reset_mfa(ada, acting_user=personas.administrator)
    with committing():
        call_command("reset_mfa", "ada", stdout=StringIO())
    assert events()[-2:] == [
        (Event.MFA_RESET, "ada", "by administrator; 0 sessions ended"),
        (Event.MFA_RESET, "ada", "by the command line; 0 sessions ended"),
    ]


def test_the_sign_in_events_never_hold_a_password(client, ada, committing):
    with committing():
        sign_in(client, "ada", "wrong-horse-battery")
        sign_in(client, "ada", PASSWORD)
        sign_out_everywhere(acting_user=ada)
    stored = str(list(SecurityEvent.objects.values()))
    assert PASSWORD not in stored and "wrong-horse-battery" not in stored
