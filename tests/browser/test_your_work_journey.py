"""Signing in lands on Your work: the QA lead finds at the top the safeguarding concern nobody could be
emailed about and opens it from there; the auditor finds the audit returned to them with the moderator's
comments and their deadlines; a social worker with nothing to do is told so. Every page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.improvement.models import SafeguardingConcern

from ..cycles.builders import allocate_to, make_cycle
from ..work.conftest import LAST_YEAR, RETURN_COMMENTS, audit_of, raise_concern, return_to_auditor
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def late_cycle(personas):
    """Last year's autumn cycle, still open, both cases allocated to the auditor."""
    cycle = make_cycle([personas.own_case, personas.other_case], year=LAST_YEAR)
    allocate_to(cycle, personas.auditor)
    return cycle


def test_your_work_for_the_qa_lead_and_the_auditor(
    page, live_server, check_page, personas, late_cycle, browser
):
    raise_concern(audit_of(late_cycle, personas.other_case), personas.auditor, days_ago=1)
    return_to_auditor(audit_of(late_cycle, personas.own_case), personas.moderator)

    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    first = page.locator("section.app-work-panel").first
    expect(first.get_by_role("heading", level=2)).to_contain_text(
        "Safeguarding concerns waiting for a response"
    )
    expect(first.locator(".govuk-warning-text")).to_contain_text("reached no team manager by email")
    expect(first).to_contain_text("Phone now")
    check_page("90-your-work-qa-lead")
    first.get_by_role("link", name="Concern about S000001").click()
    page.wait_for_url(re.compile(rf"/concerns/{SafeguardingConcern.objects.get().pk}/$"))

    auditor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in(auditor, live_server, "auditor")
    auditor.wait_for_url(f"{live_server.url}/")
    returned = auditor.locator("#panel-returned-to-me")
    expect(returned).to_contain_text(RETURN_COMMENTS)
    expect(auditor.locator("#panel-my-audits")).to_contain_text("Late")
    auditor.context.close()


def test_nothing_needs_a_worker_today(page, live_server, check_page, personas):
    sign_in(page, live_server, "worker")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Nothing needs you today.")).to_be_visible()
    expect(page.get_by_role("link", name="The case register")).to_be_visible()
    check_page("91-your-work-nothing-today")
