"""The main pages on a phone and on a laptop, with the demo's data: nothing scrolls sideways at 375 pixels
(WCAG 1.4.10, reflow), the header's sections sit on one row at 1280, and axe finds nothing on either."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from caseaudit.demo.authority import DEMO_PASSWORD

pytestmark = pytest.mark.browser

MAIN_PAGES = (
    "/cases/",
    "/cases/data-quality/",
    "/compliance/",
    "/actions/",
    "/actions/re-audits/",
    "/cycles/",
    "/audits/moderation/",
    "/concerns/",
    "/reports/",
    "/reports/themes/",
    "/notifications/",
    "/logs/",
    "/logs/security/",
)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", "--cases", "120", stdout=StringIO())


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_no_main_page_scrolls_sideways_on_a_phone(page, live_server, check_page, demo):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, "qa-lead")
    for path in MAIN_PAGES:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"{path} is {width} pixels wide at 375"
        check_page("90-phone" + path.replace("/", "-").rstrip("-"))


def test_the_header_sections_fit_one_row_on_a_laptop(page, live_server, check_page, demo):
    for username in ("qa-lead", "moderator", "team-manager"):
        sign_in(page, live_server, username)
        for path in ("/cases/", "/actions/"):
            page.goto(f"{live_server.url}{path}")
            tops = page.evaluate(
                "[...document.querySelectorAll('.govuk-service-navigation__item')]"
                ".map(item => Math.round(item.getBoundingClientRect().top))"
            )
            assert len(tops) >= 4 and len(set(tops)) == 1, f"{username} {path}: rows at {sorted(set(tops))}"
        check_page(f"91-laptop-{username}")
        page.get_by_role("button", name="Sign out").click()


def test_a_back_link_is_inside_main(page, live_server, demo):
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/actions/re-audits/")
    assert page.evaluate("document.querySelector('.govuk-back-link').closest('main') !== null")
