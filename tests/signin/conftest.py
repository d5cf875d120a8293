from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp

from tests.factories import PASSWORD


@pytest.fixture
def mfa(settings):
    """The second factor required, as it is outside the demo and the tests. django-otp's own back-off
    between wrong codes is turned off: the lockout is what these tests are about."""
    settings.CASEAUDIT_REQUIRE_MFA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def code_for(device, drift: int = 0) -> str:
    """The code the person's authenticator app shows now (or `drift` steps of 30 seconds from now)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"
