"""Outside the demo everyone signs in with a password and a code from an authenticator app: a person
without one sets it up first (QR code or typed key, a first code, ten recovery codes shown once), and
until the code is given every page but those steps sends them to it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.signin.actions import confirm_authenticator, start_authenticator
from tests.factories import make_user
from tests.test_role_matrix import _routes

from .conftest import code_for, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa")]


@pytest.fixture
def ada():
    return make_user(Role.AUDITOR, "ada")


def _enrolled(user) -> list[str]:
    """A person who set up their app earlier; returns their recovery codes."""
    device = start_authenticator(acting_user=user)
    return confirm_authenticator(device, acting_user=user)


def test_a_person_without_an_app_sets_one_up_before_anything_else(client, ada):
    assert sign_in(client, "ada").url == reverse("home")
    response = client.get(reverse("home"))
    assert response.url == reverse("signin:set-up") + "?next=%2F"
    page = client.get(response.url).content.decode()
    assert "Set up an authenticator app" in page
    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml', page)
    device = TOTPDevice.objects.get(user=ada, confirmed=False)
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") in device.config_url

    wrong = client.post(reverse("signin:set-up"), {"code": "000000", "next": "/"})
    assert "The code is not right" in wrong.content.decode()
    assert client.get(reverse("cases:list")).status_code == 302

    confirmed = client.post(reverse("signin:set-up"), {"code": code_for(device), "next": "/"})
    assert confirmed.url == reverse("signin:recovery-codes") + "?next=%2F"
    # The codes come before anything else, once.
    assert client.get(reverse("cases:list")).url.startswith(reverse("signin:recovery-codes"))
    page = client.get(confirmed.url).content.decode()
    shown = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(shown) == 10
    stored = StaticToken.objects.filter(device__user=ada).values_list("token", flat=True)
    assert sorted(shown) == sorted(stored)
    assert client.post(reverse("signin:recovery-codes"), {"next": "/"}).url == "/"
    assert client.get(reverse("signin:recovery-codes")).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # Your work
    assert client.get(reverse("audits:mine")).status_code == 200
    assert ChangeEvent.objects.filter(event="user.authenticator-confirmed", subject_id=str(ada.pk)).exists()


def test_a_person_with_an_app_enters_its_code(client, ada):
    _enrolled(ada)
    sign_in(client, "ada")
    response = client.get(reverse("cases:list"))
    assert response.url == reverse("signin:code") + "?next=%2Fcases%2F"
    assert "Enter the code from your authenticator app" in client.get(response.url).content.decode()
    wrong = client.post(reverse("signin:code"), {"code": "000000", "next": "/cases/"})
    assert "The code is not right" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=ada)
    done = client.post(reverse("signin:code"), {"code": code_for(device), "next": "/cases/"})
    assert done.url == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_recovery_code_works_once_only(client, ada):
    codes = _enrolled(ada)
    sign_in(client, "ada")
    # Typed in capitals with a space, as people do.
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    assert client.post(reverse("signin:code"), {"code": typed}).url == reverse("home")
    assert client.get(reverse("audits:mine")).status_code == 200
    assert ChangeEvent.objects.get(event="user.recovery-code-used").new == {"recovery codes": 9}
    client.logout()
    sign_in(client, "ada")
    again = client.post(reverse("signin:code"), {"code": codes[0]})
    assert "The code is not right" in again.content.decode()
    assert client.post(reverse("signin:code"), {"code": codes[1]}).status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, ada):
    _enrolled(ada)
    sign_in(client, "ada")
    for _ in range(4):
        client.post(reverse("signin:code"), {"code": "000000"})
    locked = client.post(reverse("signin:code"), {"code": "000000"}, follow=True)
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts" in sign_in(client, "ada").content.decode()


def test_an_unverified_person_is_sent_to_their_step_from_every_page(client, ada):
    _enrolled(ada)
    sign_in(client, "ada")
    steps = {reverse("signin:code"), reverse("signin:set-up"), reverse("login"), reverse("logout")}
    wrong = []
    for url in sorted(set(_routes(get_resolver().url_patterns)) - steps):
        if url.startswith("/feedback/"):
            # The public feedback form is for people without an account: it answers for itself (here, a
            # link that does not exist).
            assert client.get(url).status_code == 404
            continue
        if url == reverse("healthz"):
            # The health check answers whoever asks, with no data (tests/serving/test_healthz.py).
            assert client.get(url).status_code == 200
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or not response["Location"].startswith(reverse("signin:code")):
                wrong.append(f"{method.upper()} {url}: {response.status_code} {response.get('Location')}")
    assert not wrong, "\n".join(wrong)
    assert client.get(reverse("signin:code")).status_code == 200


def test_the_demo_and_the_tests_sign_in_with_a_password_alone(client, ada, settings):
    settings.CASEAUDIT_REQUIRE_MFA = False
    sign_in(client, "ada")
    assert client.get(reverse("audits:mine")).status_code == 200
    assert client.get(reverse("signin:set-up")).url == reverse("home")


def test_reset_mfa_makes_the_person_set_up_a_new_app(client, ada):
    _enrolled(ada)
    sign_in(client, "ada")
    client.post(reverse("signin:code"), {"code": code_for(TOTPDevice.objects.get(user=ada))})
    assert client.get(reverse("audits:mine")).status_code == 200
    out = StringIO()
    call_command("reset-mfa".replace("-", "_"), "ada", stdout=out)
    assert "reset" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=ada).exists()
    assert not StaticToken.objects.filter(device__user=ada).exists()
    # Their session has ended; signing in again leads to setting up a new app.
    assert client.get(reverse("audits:mine")).url.startswith(reverse("login"))
    sign_in(client, "ada")
    assert client.get(reverse("audits:mine")).url.startswith(reverse("signin:set-up"))
    assert ChangeEvent.objects.get(event="user.authenticator-reset").old["authenticator"] == "confirmed"
