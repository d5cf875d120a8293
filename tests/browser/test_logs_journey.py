"""The QA lead reads the logs: who looked at one child's records, a date typed wrongly and put right, the
results downloaded, and the security log."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import SecurityEvent

from ..cycles.builders import allocate_to, make_cycle
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def logged(personas):
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get()
    record_access(personas.auditor, "view", "audit", audit.pk)
    record_access(personas.team_manager, "view", "case", personas.own_case.pk)
    record_access(personas.team_manager, "view", "case", personas.other_case.pk)
    record_access(personas.moderator, "export", "grade-table", detail="12 rows, csv")
    SecurityEvent.objects.create(username="auditor", event="signed-in", address="192.0.2.7")
    SecurityEvent.objects.create(username="=cmd", event="sign-in-failed", address="198.51.100.9")
    return audit


def test_qa_lead_finds_who_read_a_childs_records_and_downloads_them(page, live_server, check_page, logged):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Logs", exact=True).click()
    page.wait_for_url(re.compile(r"/logs/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    check_page("logs-01-access-log")

    page.get_by_label("Child Unique ID").fill("N000001")
    page.get_by_role("group", name="Date from").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Date from").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Date from").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date from must be a real date")
    expect(page.get_by_label("Child Unique ID")).to_have_value("N000001")
    expect(page.locator("table")).to_have_count(0)
    check_page("logs-02-bad-date")
    summary.get_by_role("link", name="Date from must be a real date").click()
    expect(page.locator("#id_date_from_0")).to_be_focused()

    page.get_by_role("group", name="Date from").get_by_label("Day").fill("1")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"child=N000001"))
    caption = page.locator("caption")
    expect(caption).to_have_text("2 entries matching your search, newest first")
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text(f"case {logged.case_id}")
    expect(rows.nth(1)).to_contain_text(f"audit {logged.pk}")
    expect(page.locator("table")).not_to_contain_text("N000001")
    check_page("logs-03-about-a-child")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these results (CSV)").click()
    assert download.value.suggested_filename.startswith("access-log-")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [(r["username"], r["object_type"]) for r in lines] == [
        ("team-manager", "case"),
        ("auditor", "audit"),
    ]

    page.get_by_role("navigation", name="Logs").get_by_role("link", name="Security log").click()
    page.wait_for_url(re.compile(r"/logs/security/$"))
    # The QA lead's own sign-in, a moment ago, is the newest entry.
    expect(page.locator("caption")).to_have_text("3 entries, newest first")
    expect(page.locator("tbody tr").nth(0)).to_contain_text("qa-lead")
    expect(page.locator("tbody tr").nth(1)).to_contain_text("Sign-in failed")
    page.get_by_label("Event").select_option("signed-in")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"event=signed-in"))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").nth(1)).to_contain_text("192.0.2.7")
    check_page("logs-04-security-log")
