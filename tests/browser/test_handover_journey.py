"""Moderation's hand-overs reach the person who acts next: an auditor submits, the moderator returns the
audit with comments, the auditor reads them on the task list (and in My audits) and submits again, the
moderator changes the grade with a reason, and the auditor, the case's team manager and its worker each
read both grades and the reason on the audit page. Each page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.audits.models import Audit, AuditStatus

from ..audits.completion_helpers import ready_to_submit
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser

COMMENTS = "Say how the pathway plan was reviewed with the young person."
REASON = "The pathway plan was not reviewed for eight months."


def _as(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def _submit(page, live_server, audit: Audit) -> None:
    page.goto(f"{live_server.url}/audits/{audit.pk}/submit/")
    page.get_by_role("button", name="Submit the audit").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_role("heading", name="Submitted, waiting for moderation")).to_be_visible()


def test_return_resubmit_and_a_changed_grade_reach_the_auditor_and_the_case_team(
    page, live_server, check_page, personas
):
    audit = ready_to_submit(personas)
    moderate_url = f"{live_server.url}/audits/{audit.pk}/moderate/"

    _as(page, live_server, "auditor")
    _submit(page, live_server, audit)

    _as(page, live_server, "moderator")
    page.goto(moderate_url)
    page.get_by_label("Comments for the auditor").fill(COMMENTS)
    page.get_by_role("button", name="Return the audit").click()
    page.wait_for_url(re.compile(r"/moderate/$"))

    # The auditor sees the return in My audits, then reads the comments above the task list.
    _as(page, live_server, "auditor")
    page.get_by_role("link", name="My audits", exact=True).click()
    expect(page.get_by_text("1 audit was returned to you for more work")).to_be_visible()
    expect(page.get_by_text(COMMENTS)).to_be_visible()
    check_page("90-my-audits-returned")
    page.get_by_role("link", name="Open the audit of N000001").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    banner = page.get_by_role("region", name="Returned for more work")
    expect(banner).to_contain_text(COMMENTS)
    expect(banner).to_contain_text("moderator returned this audit on")
    expect(page.get_by_role("link", name="Check and submit")).to_be_visible()
    check_page("91-task-list-returned")
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Submit the audit").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_role("region", name="Returned for more work")).to_have_count(0)

    _as(page, live_server, "moderator")
    page.goto(moderate_url)
    page.get_by_label("Requires improvement to be good", exact=True).check()
    page.get_by_label("Reason for the change").fill(REASON)
    page.get_by_role("button", name="Change the grade").click()
    page.wait_for_url(re.compile(r"/moderate/$"))
    audit.refresh_from_db()
    assert (audit.status, audit.auditor_grade, audit.moderated_grade) == (
        AuditStatus.MODERATED,
        "good",
        "requires-improvement",
    )

    # The case's team reaches the audit from the case page's history, which shows both grades too.
    _as(page, live_server, "team-manager")
    page.goto(f"{live_server.url}/cases/{personas.own_case.pk}/")
    history = page.get_by_role("table", name=re.compile("Audits of this case"))
    row = history.get_by_role("row").filter(has_text="Autumn 2026")
    expect(row).to_contain_text("Good")
    expect(row).to_contain_text("Requires improvement to be good")
    check_page("92-case-history-team-manager")
    row.get_by_role("link", name=re.compile("Autumn 2026")).click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))

    for username in ("auditor", "team-manager", "worker"):
        _as(page, live_server, username)
        page.goto(f"{live_server.url}/audits/{audit.pk}/")
        grades = page.locator("#grades + .govuk-summary-list")
        expect(grades.get_by_role("definition").filter(has_text=re.compile(r"^Good$"))).to_be_visible()
        expect(grades).to_contain_text("Requires improvement to be good")
        expect(grades).to_contain_text(REASON)
        check_page(f"93-moderated-grades-{username}")
