"""The QA lead opens a past cycle after three years of history were loaded, views its committee paper as a
web page (the chart with its table, the caveats) and downloads it as PDF; a senior leader reads it too; the
QA lead regenerates the draft and issues it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caseaudit.cycles.models import Cycle
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper_store import read_file

from ..reports.grade_history import load_three_years
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def history(personas, tmp_path):
    load_three_years(tmp_path)
    return personas


def test_qa_lead_views_and_downloads_the_committee_paper(page, live_server, check_page, history):
    cycle = Cycle.objects.get(name="Autumn 2021")
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    page.get_by_role("link", name="View the paper and its issued versions").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/$"))
    expect(page.get_by_role("heading", name="Case file audit: Autumn 2021", level=1)).to_be_visible()
    expect(page.get_by_text("15 of 15 planned audits were completed (100%).")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(r"^Audits by year and cohort to 30 November 2021"))
    expect(
        table.get_by_role(
            "row", name=re.compile(r"^2019\s+Care leaver\s+13\s+0\s+2\s\(15%\)\s+5\s\(39%\)\s+6\s\(46%\)$")
        )
    ).to_be_visible()
    chart = page.get_by_role("img", name=re.compile(r"^Stacked bar chart .* same figures are in the table"))
    expect(chart).to_be_visible()
    assert page.evaluate(
        "() => { const img = document.querySelector('img.app-paper-chart__image');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    expect(page.get_by_text("Periods were sampled differently", exact=False).first).to_be_visible()
    check_page("90-committee-paper")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the draft (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "paper-autumn-2021-draft.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")


def test_senior_leader_reads_the_paper(page, live_server, check_page, history):
    cycle = Cycle.objects.get(name="Autumn 2021")
    sign_in(page, live_server, "senior-leader")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/reports/cycles/{cycle.pk}/paper/")
    expect(page.get_by_role("heading", name="Case file audit: Autumn 2021", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Back to reports")).to_be_visible()
    check_page("91-committee-paper-senior-leader")


def test_qa_lead_regenerates_and_issues_the_paper(page, live_server, check_page, history):
    """The QA lead draws the draft again, checks the confirmation page and issues it as version 1, which
    the page then lists and serves as it was issued."""
    cycle = Cycle.objects.get(name="Autumn 2021")
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/cycles/{cycle.pk}/paper/")
    expect(page.get_by_text("No draft is kept yet in these grades.")).to_be_visible()

    # The paper's words first: drafted from the figures, the QA lead names the committee and concludes.
    page.get_by_role("link", name="edit the paper's words").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/words/$"))
    recommendation = page.get_by_label("Recommendation to members")
    expect(recommendation).to_have_value("Members are asked to note the report.")
    check_page("91-committee-paper-words")
    page.get_by_label("Committee", exact=True).fill("Corporate Parenting Panel")
    page.get_by_label("Conclusion").fill("Plans for care leavers are better than last year.")
    page.get_by_role("button", name="Save the words").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/$"))
    expect(page.get_by_text("The paper's words are saved.")).to_be_visible()
    details = page.locator("#details")
    expect(details).to_contain_text("Corporate Parenting Panel")
    expect(page.locator("#conclusion")).to_contain_text("Plans for care leavers are better than last year.")

    page.get_by_role("button", name="Regenerate draft").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/$"))
    expect(page.get_by_text("The draft is regenerated from today's figures.")).to_be_visible()

    page.get_by_role("button", name="Issue this draft").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/issue/$"))
    expect(
        page.get_by_role("heading", name="Are you sure you want to issue this draft as version 1?")
    ).to_be_visible()
    check_page("92-committee-paper-issue")
    page.get_by_label("Note (optional)").fill("For the committee of March.")
    page.get_by_role("button", name="Yes, issue version 1").click()
    page.wait_for_url(re.compile(rf"/reports/cycles/{cycle.pk}/paper/$"))
    expect(page.get_by_text("Version 1 of the committee paper for Autumn 2021 is issued.")).to_be_visible()
    issued = page.get_by_role("table", name="Issued versions of the paper, newest first")
    expect(issued.get_by_role("row", name=re.compile(r"^1 .*For the committee of March\."))).to_be_visible()
    check_page("93-committee-paper-issued")

    with page.expect_download() as download_info:
        issued.get_by_role("link", name="PDF of version 1").click()
    download = download_info.value
    assert download.suggested_filename == "paper-autumn-2021-v1.pdf"
    kept = PaperVersion.objects.get(number=1)
    assert Path(download.path()).read_bytes() == read_file(kept, "pdf")
