"""The QA lead imports the register: upload, check the dry run, confirm the closures, see the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.cases.models import Case

from .test_register_journey import sign_in

pytestmark = pytest.mark.browser

CSV = b"child_id,cohort,team,worker\nA1,care-leaver,North,Will\nA2,early-help,East,Erin\nA3,nonsense,East,X\n"


def test_qa_lead_imports_the_register(page, live_server, check_page, personas):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.get_by_role("link", name="Cases", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/$"))
    page.get_by_role("button", name="Import the register").click()
    page.wait_for_url(re.compile(r"/cases/import/$"))
    check_page("20-import")

    page.locator("#id_register_file").set_input_files(
        files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_label("Skip invalid rows").check()
    page.get_by_role("button", name="Check the file").click()
    # The check is a job: here the live server runs it inside the request (the tests' immediate backend),
    # so its page shows the result at once.
    page.wait_for_url(re.compile(r"/cases/import/check/\d+/$"))
    assert "Check the import before you confirm it" in page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_role("heading", name="1 row error")).to_be_visible()
    assert Case.objects.filter(closed_on__isnull=True).count() == 2  # the dry run wrote nothing
    check_page("21-import-check")

    # The personas' two cases are not in the file, so confirming needs the box ticked.
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page("22-import-confirm-error")

    page.get_by_label("I understand 2 open cases not in the file will be closed").check()
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/cases/import/run/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    check_page("23-import-done")
    assert sorted(Case.objects.filter(closed_on__isnull=True).values_list("child_id", flat=True)) == [
        "A1",
        "A2",
    ]
