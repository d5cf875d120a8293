"""The QA lead's journey through the register: sign in, filter, search, open a case, sign out."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, make_case, make_staff, make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def register(personas):
    east = make_team("East Early Help")
    erin = make_staff("Erin Early", east)
    north = personas.own_case.team
    make_case("N000002", "looked-after", north, personas.own_case.worker, opened_on=date(2021, 6, 1))
    make_case("E000001", "early-help", east, erin, opened_on=date(2023, 3, 3))
    make_case(
        "C000001",
        "care-leaver",
        east,
        erin,
        opened_on=date(2018, 9, 3),
        latest_pathway_plan=date(2024, 1, 5),
        cp_plan_start=date(2012, 4, 2),  # from an earlier child protection plan
    )
    return personas


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def row_ids(page) -> list[str]:
    return page.locator("table.govuk-table tbody th a").all_inner_texts()


def test_qa_lead_register_journey(page, live_server, check_page, register):
    page.goto(f"{live_server.url}/cases/")
    assert "/sign-in/" in page.url
    check_page("01-sign-in")

    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    # The error summary takes focus so that screen reader users hear it first.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page("02-sign-in-error")

    page.get_by_label("Username").fill("qa-lead")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/cases/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Case register"
    assert row_ids(page) == ["C000001", "E000001", "N000001", "N000002", "S000001"]
    check_page("03-register")

    page.get_by_label("Cohort").select_option("care-leaver")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"cohort=care-leaver"))
    assert row_ids(page) == ["C000001", "N000001"]
    assert page.get_by_label("Cohort").input_value() == "care-leaver"
    check_page("04-register-cohort")

    page.get_by_label("Child Unique ID").fill("c0000")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=c0000"))
    assert row_ids(page) == ["C000001"]
    check_page("05-register-search")

    page.get_by_role("link", name="C000001").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "C000001" in page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text("5 January 2024")).to_be_visible()
    check_page("06-case")
    page.get_by_text("Other dates in the register").click()
    expect(page.get_by_text("2 April 2012")).to_be_visible()
    check_page("07-case-other-dates")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in/$"))
    page.goto(f"{live_server.url}/cases/")
    assert "/sign-in/" in page.url


def test_register_on_a_narrow_screen(page, live_server, check_page, register):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels wide the page itself never scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    check_page("08-register-narrow")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The navigation collapses behind a menu button.
    expect(page.get_by_role("button", name="Menu")).to_be_visible()


def test_senior_leader_home(page, live_server, check_page, register):
    sign_in(page, live_server, "senior-leader")
    page.wait_for_url(re.compile(rf"{re.escape(live_server.url)}/$"))
    expect(page.get_by_role("heading", name="The headlines", level=2)).to_be_visible()
    check_page("09-senior-leader-home")
    page.locator("#panel-headlines").get_by_role("link").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit grades"
    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot see this page"
    check_page("10-forbidden")
    page.goto(f"{live_server.url}/no-such-page/")
    check_page("11-not-found")
