"""The QA lead opens the reports page after three years of history were loaded: reads the table and its
caveats, changes the filters, sees the chart, downloads the table as CSV, then exports the audit data."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..reports.grade_history import load_three_years
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def history(personas, tmp_path):
    load_three_years(tmp_path)
    return personas


def chart_loaded(page) -> bool:
    """The chart's image arrived and decoded: a broken image has no natural size."""
    return page.evaluate(
        "() => { const img = document.querySelector('img.app-chart');"
        " return img.complete && img.naturalWidth > 0 && img.naturalHeight > 0; }"
    )


def test_qa_lead_reads_filters_and_downloads_the_grade_table(page, live_server, check_page, history):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", name="Audit grades", exact=True)).to_be_visible()

    table = page.get_by_role("table", name="Audits by year and cohort (moderated grades)")
    expect(
        table.get_by_role(
            "row",
            name=re.compile(r"^2019\s+Care leaver\s+13\s+0\s+2\s\(15%\)\s+5\s\(39%\)\s+6\s\(46%\)\s+Small$"),
        )
    ).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^2019\s+All cohorts\s+17"))).to_be_visible()
    expect(page.get_by_text("2021: half of the open cases")).to_be_visible()
    expect(page.get_by_text("1 audit not yet moderated is not counted", exact=False)).to_be_visible()
    chart = page.get_by_role("img", name=re.compile(r"^Stacked bar chart"))
    expect(chart).to_be_visible()
    page.wait_for_function("document.querySelector('img.app-chart').complete")
    assert chart_loaded(page)
    page.get_by_text("How certain are these percentages?").click()
    expect(page.get_by_role("table", name="95% intervals of each share")).to_be_visible()
    check_page("85-reports")

    # One cohort, by cycle.
    page.get_by_label("Audit cycle", exact=True).check()
    page.get_by_label("Cohort", exact=True).select_option("care-leaver")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/reports/\?(audit_type=case-file&)?by=cycle&cohort=care-leaver"))
    table = page.get_by_role("table", name="Audits by cycle and cohort (moderated grades)")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Autumn 2021")
    expect(page.get_by_label("Audit cycle", exact=True)).to_be_checked()
    page.wait_for_function("document.querySelector('img.app-chart').complete")
    assert chart_loaded(page)
    assert "cohort=care-leaver" in page.locator("img.app-chart").get_attribute("src")
    check_page("86-reports-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("grades-by-cycle-moderated-care-leaver-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == [
        "period",
        "cohort",
        "total",
        "inadequate",
        "requires_improvement",
        "good",
        "outstanding",
        "inadequate_pct",
        "requires_improvement_pct",
        "good_pct",
        "outstanding_pct",
    ]
    assert [row[0] for row in rows[1:]] == ["Autumn 2021", "Autumn 2020", "Autumn 2019"]

    # The analysts' export: pseudonymised unless the QA lead asks otherwise, with a warning.
    page.get_by_role("button", name="Export audit data").click()
    page.wait_for_url(re.compile(r"/reports/export/$"))
    expect(page.get_by_text("the file is child-level personal data", exact=False)).to_be_visible()
    check_page("87-export")
    expect(page.get_by_label("CSV", exact=True)).to_be_checked()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Download audit data").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Earliest audit date must include a year")).to_be_visible()
    check_page("88-export-error")
    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download audit data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-data-pseudonymised-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("audit_ref,child_ref,cohort,year,cycle,audit_type,audit_date")
    assert len(text.splitlines()) == 49
    assert "CL001" not in text


def test_qa_lead_adds_a_theme_for_strengths_only(page, live_server, check_page, history):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="change the list of themes for findings").click()
    page.wait_for_url(re.compile(r"/audits/themes/$"))
    check_page("89-themes")
    page.get_by_role("button", name="Add the theme").click()
    expect(page.get_by_role("link", name="Give the theme a name")).to_be_visible()  # the error summary
    page.get_by_label("Name of the theme").fill("Impact on the child")
    page.get_by_label("Strengths only").check()
    page.get_by_role("button", name="Add the theme").click()
    expect(page.get_by_text("\u201cImpact on the child\u201d is on the list of themes.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(r"^Impact on the child"))
    expect(row).to_contain_text("Strengths only")
    check_page("89-themes-added")
