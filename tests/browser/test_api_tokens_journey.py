"""A person makes an API token on their account page, uses it, and revokes it; the API's documentation
loads for signed-in staff without the browser blocking a script or a style. Each page checked with
axe-core."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_person_makes_uses_and_revokes_a_token(page, live_server, check_page, personas):
    sign_in(page, live_server, "team-manager")
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="make or revoke your API tokens").click()
    page.wait_for_url(re.compile(r"/account/api-tokens/$"))
    check_page("90-api-tokens")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Enter what the token is for").first).to_be_visible()
    check_page("91-api-tokens-error")
    page.get_by_label("What is the token for?").fill("Power BI dashboard")
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("code.app-token").inner_text()
    check_page("92-api-token-made")
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").json()["username"] == "team-manager"
    )
    page.get_by_role("button", name="Revoke the token for Power BI dashboard").click()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    check_page("93-api-token-revoked")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401


def test_the_api_documentation_loads_under_the_content_security_policy(page, live_server, personas):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/cases").first).to_be_visible()
    assert not violations, violations
