"""A senior leader signs in for the first time outside the demo: password, then setting up an authenticator
app (typing the key, as someone who cannot scan the QR code would), the recovery codes, home; signs out,
and signs in again with a code from the app."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


def _code(secret: str, drift: int = 0) -> str:
    """What an authenticator app given this key shows now (or `drift` steps of 30 seconds on)."""
    key = secret.replace(" ", "")
    return f"{totp(b32decode(key + '=' * (-len(key) % 8)), drift=drift):06d}"


def test_first_sign_in_sets_up_an_authenticator_then_signs_in_with_a_code(
    page, live_server, check_page, personas, settings
):
    settings.CASEAUDIT_REQUIRE_MFA = True
    sign_in(page, live_server, "senior-leader")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    # Until it is set up, the header offers no pages, and every other page comes back here.
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    check_page("90-sign-in-set-up")
    secret = page.locator("#secret-key").inner_text()

    page.get_by_label("3. Enter the 6-digit code the app shows").fill(_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    check_page("91-sign-in-recovery-codes")
    page.get_by_role("button", name="I have saved these codes").click()
    # Back where they were going: the reports.
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    assert page.url.endswith("/reports/")

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_text("Set up; 10 recovery codes left")).to_be_visible()
    check_page("92-your-account")
    page.get_by_role("button", name="Sign out (senior-leader)").click()
    expect(page.get_by_role("heading", name="Sign in to")).to_be_visible()

    sign_in(page, live_server, "senior-leader")
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    check_page("93-sign-in-code")
    # A code counts once only, so enter the one the app shows next (accepted: a phone's clock may be ahead).
    page.get_by_label("Code").fill(_code(secret, drift=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your work", level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/"
    check_page("94-home-after-code")
