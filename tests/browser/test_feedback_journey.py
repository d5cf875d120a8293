"""A young person answers the feedback form on a phone, and the link then stops working; an auditor makes
the link, and raises a safeguarding concern that reaches the team manager."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from caseaudit.audits.actions.feedback import create_feedback_link
from caseaudit.audits.models import FeedbackResponse, Respondent
from caseaudit.improvement.models import SafeguardingConcern

from ..cycles.builders import allocate_to, make_cycle
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def audit(personas):
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    return cycle.audits.get()


def test_young_person_gives_feedback_on_a_phone(page, live_server, check_page, personas, audit):
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/feedback/{token}/")
    expect(page.get_by_role("heading", name="Tell us what you think")).to_be_visible()
    expect(page.get_by_text(personas.own_case.child_id)).to_have_count(0)
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page("60-feedback-form-phone")

    # Sending nothing is sent back kindly.
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page("61-feedback-form-error-phone")

    page.get_by_role("group", name="Do you know who your worker is?").get_by_label("Yes").check()
    page.get_by_role("group", name="Does your worker listen to you?").get_by_label("Sometimes").check()
    page.get_by_label("What is going well?").fill("I have my own flat now.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_page("62-feedback-thanks-phone")
    response = FeedbackResponse.objects.get()
    assert response.audit == audit
    assert response.answers == {
        "know-worker": "yes",
        "listened-to": "sometimes",
        "going-well": "I have my own flat now.",
    }

    page.goto(f"{live_server.url}/feedback/{token}/")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    check_page("63-feedback-link-gone-phone")


def test_auditor_makes_a_link_and_raises_a_concern(page, live_server, check_page, personas, audit):
    personas.team_manager.email = "team-manager@example.test"
    personas.team_manager.save()
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audits/{audit.pk}/feedback/")
    check_page("64-feedback-page")
    page.get_by_label("Child or young person").check()
    page.get_by_role("button", name="Create a link").click()
    link = page.get_by_label("Link to send").input_value()
    assert re.match(rf"^{re.escape(live_server.url)}/feedback/[\w-]{{43}}/$", link)
    # With JavaScript the link copies at a press, and the page says so (to a screen reader too).
    # The system clipboard of a headless browser is shared by every test's page and answers only the
    # focused one, so the page's clipboard is stood in for: what the button copies is what it was given.
    page.evaluate("navigator.clipboard.writeText = async (text) => { window.copiedText = text; }")
    expect(page.get_by_role("status")).to_have_text("")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("window.copiedText") == link
    check_page("65-feedback-link-made")

    page.goto(f"{live_server.url}/concerns/raise/{audit.pk}/")
    check_page("66-concern-raise")
    page.get_by_label("What is the concern?").fill("No statutory visit for four months; no contact recorded.")
    page.get_by_role("button", name="Raise the concern").click()
    page.wait_for_url(re.compile(r"/concerns/\d+/$"))
    expect(page.get_by_text("The concern is recorded and emailed to team-manager.")).to_be_visible()
    check_page("67-concern-raised")
    concern = SafeguardingConcern.objects.get()
    # The QA lead, who has no email address here, is told in the app.
    assert concern.is_open and set(concern.notified.all()) == {personas.team_manager, personas.qa_lead}
    [email] = mail.outbox
    assert email.to == ["team-manager@example.test"] and personas.own_case.child_id not in email.subject
