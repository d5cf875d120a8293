"""The QA lead imports past audits from the reports page's empty state: upload, check the dry run and its
row errors, upload the corrected file, confirm, see the result and the years on the reports page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.audits.models import Audit

from .test_register_journey import sign_in

pytestmark = pytest.mark.browser

HEADER = b"child_id,cohort,audit_date,auditor_grade,moderated_grade\n"
ROWS = b"N000001,care-leaver,2019-10-14,Good,Good\nX9,child-in-need,2020-05-11,RI,\n"
BAD = HEADER + ROWS + b"X10,early-help,2020-05-12,Brilliant,\n"


def _upload(page, content: bytes) -> None:
    page.locator("#id_history_file").set_input_files(
        files=[{"name": "past-audits.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_qa_lead_imports_past_audits(page, live_server, check_page, personas):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="import past audits").click()
    page.wait_for_url(re.compile(r"/audits/history/import/$"))
    check_page("24-history-import")

    # The check is a job, run here inside the request (the tests' immediate backend).
    _upload(page, BAD)
    page.wait_for_url(re.compile(r"/audits/history/import/check/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This file cannot be imported as it is")
    expect(page.get_by_role("heading", name="1 row error")).to_be_visible()
    expect(page.get_by_role("cell", name="Brilliant")).to_be_visible()
    assert not Audit.objects.exists()
    check_page("25-history-import-errors")

    _upload(page, HEADER + ROWS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before you confirm it")
    check_page("26-history-import-check")

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/audits/history/import/run/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    check_page("27-history-import-done")
    assert Audit.objects.count() == 2

    page.get_by_role("link", name="See the audit grades by year").click()
    expect(page.get_by_role("rowheader", name="2019").first).to_be_visible()
