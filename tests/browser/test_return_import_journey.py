"""The QA lead imports the SSDA903 return in the browser: every table chosen at once, the check read,
the import confirmed; each page checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.cases.models import Case

from ..cases.test_import_ssda903 import EPISODES, HEADER, OC3, REVIEWS
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


def test_qa_lead_imports_the_return(page, live_server, check_page, personas, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    files = []
    for name, text in (
        ("Header.csv", HEADER),
        ("Episodes.csv", EPISODES),
        ("Reviews.csv", REVIEWS),
        ("OC3.csv", OC3),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_role("link", name="import the SSDA903 return or the Children in Need census").click()
    page.wait_for_url(re.compile(r"/cases/import/return/$"))
    check_page("80-return-upload")
    page.get_by_label("Upload a statutory return").set_input_files(files)
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("table", name="What the import would change")).to_be_visible()
    check_page("81-return-checked")
    page.get_by_role("button", name="Import the return").click()
    page.wait_for_url(re.compile(r"/cases/$"))
    expect(page.get_by_text("SSDA903 return imported: 3 cases added")).to_be_visible()
    assert Case.objects.get(child_id="LAC1").placement_type == "U4"
