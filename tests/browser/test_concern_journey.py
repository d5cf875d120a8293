"""A safeguarding concern raised while the mail server is down: the auditor is told plainly that no team
manager has it by email and to phone now; the manager has it in the app; the QA lead sees the email waiting
in the outbox; when the server is back the email goes and the concern page says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from caseaudit.improvement.models import SafeguardingConcern
from caseaudit.notifications.models import Email
from caseaudit.notifications.outbox import deliver_due

from ..cycles.builders import allocate_to, make_cycle
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def audit(personas):
    for user in (personas.team_manager, personas.qa_lead):
        user.email = f"{user.username}@example.test"
        user.first_name, user.last_name = (
            ("Nadia", "Manager") if user == personas.team_manager else ("Quinn", "Lead")
        )
        user.save()
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    return cycle.audits.get()


def switch_to(page, live_server, username: str) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server, username)


def test_a_concern_with_the_mail_server_down(
    page, live_server, check_page, settings, audit, personas, browser
):
    settings.EMAIL_BACKEND = "tests.browser.refusing_mail.RefusingBackend"
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    page.get_by_role("button", name="Raise a safeguarding concern").click()
    page.get_by_label("What is the concern?").fill(
        "No visit for four months; the young person reports a new adult at home."
    )
    page.get_by_role("button", name="Raise the concern").click()
    concern = SafeguardingConcern.objects.get()
    page.wait_for_url(re.compile(rf"/concerns/{concern.pk}/$"))

    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Act now")
    expect(banner).to_contain_text("the mail server did not accept the email")
    expect(banner).to_contain_text("Phone the team manager or the duty team now")
    expect(page.locator(".govuk-warning-text")).to_contain_text("No team manager has this concern by email")
    who = page.get_by_role("table")
    expect(who).to_contain_text("Nadia Manager (team manager)")
    expect(who).to_contain_text("Not sent")
    expect(who).to_contain_text("The mail server refused it (ConnectionRefusedError")
    check_page("80-concern-mail-server-down")

    # The manager has it in the app: the count in the header, and the line that opens it.
    switch_to(page, live_server, "team-manager")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("link", name=re.compile(r"Notifications 1 unread"))).to_be_visible()
    check_page("82-notifications")
    page.get_by_role("button", name=re.compile("Open")).first.click()
    page.wait_for_url(re.compile(rf"/concerns/{concern.pk}/$"))
    expect(page.get_by_role("link", name=re.compile(r"Notifications 1 unread"))).to_have_count(0)

    # The QA lead sees the emails waiting in the outbox.
    switch_to(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/notifications/outbox/?status=failed")
    expect(page.get_by_role("table")).to_contain_text("team-manager@example.test")
    expect(page.get_by_role("table")).to_contain_text("A safeguarding concern needs your response today")
    check_page("83-outbox")

    # The server is back: the outbox's next run sends the emails, and the page now says so.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_due(now=timezone.now() + timedelta(minutes=2))
    assert {m.to[0] for m in mail.outbox} == {"team-manager@example.test", "qa-lead@example.test"}
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    expect(page.get_by_role("table")).to_contain_text("Sent")
    check_page("81-concern-email-sent")
