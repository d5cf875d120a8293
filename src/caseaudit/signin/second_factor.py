"""The second factor: an authenticator app (TOTP, django-otp's otp_totp) and ten single-use recovery codes
(otp_static). Whether it is required is the CASEAUDIT_REQUIRE_MFA setting; who has one, and checking a
code, live here; setting one up and resetting it are actions (`caseaudit.signin.actions`)."""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit.accounts.models import User

RECOVERY_CODES = 10


def required() -> bool:
    return bool(settings.CASEAUDIT_REQUIRE_MFA)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator_to_confirm(user: User) -> TOTPDevice | None:
    """The authenticator this person has started to set up and not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user, confirmed=True))


def normalised(code: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return re.sub(r"[\s-]", "", code).lower()


def verify(user: User, code: str) -> Device | None:
    """The confirmed device that accepts `code` (the app's current code, or an unused recovery code,
    which this uses up), or None. The devices are locked while they check, so one code cannot be used
    twice at once."""
    code = normalised(code)
    devices: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    )
    with transaction.atomic():
        for device in devices.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(device: TOTPDevice) -> str:
    """The key as a QR code, an SVG in a data: URI for an <img>, drawn here (nothing is fetched)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4, dark="#0b0c0c")
