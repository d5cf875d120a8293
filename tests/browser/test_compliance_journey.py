"""The QA lead's journey through compliance with timescales: the counts, a filter, the cases behind a count,
and a case's own timescales."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ..factories import make_case
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def register(personas):
    own = personas.own_case
    own.latest_pathway_plan = date(2026, 3, 1)  # a review was due on 1 September 2026
    own.latest_contact = date(2026, 10, 20)
    own.last_supervision = date(2026, 10, 10)
    own.save()
    make_case(
        "N000002",
        "care-leaver",
        own.team,
        own.worker,
        own.manager,
        latest_pathway_plan=date(2026, 8, 1),
        latest_contact=date(2026, 10, 1),
    )
    make_case("N000003", "looked-after", own.team, own.worker, own.manager)
    return personas


def test_qa_lead_compliance_journey(page, live_server, check_page, register):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.get_by_role("link", name="Compliance", exact=True).click()
    page.wait_for_url(re.compile(r"/compliance/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Compliance with timescales"
    check_page("compliance-01-counts")

    # As of 3 November 2026, for care leavers: one pathway plan review overdue, one not yet due.
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Cohort").select_option("care-leaver")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"cohort=care-leaver"))
    caption = page.locator("#compliance-counts caption")
    expect(caption).to_have_text("2 open cases by check and cohort, on 3 November 2026")
    plan_row = page.locator("#compliance-counts tbody tr", has_text="Pathway plan review")
    expect(plan_row.locator("td")).to_have_text(
        [
            "Statutory",
            "Care leaver",
            "2",
            "1 compliant: Pathway plan review, care leaver",
            "1 overdue: Pathway plan review, care leaver",
            "0",
            "0",
            "0",
            "0",  # done late
        ]
    )
    check_page("compliance-02-filtered")

    plan_row.get_by_role("link", name=re.compile(r"overdue")).click()
    page.wait_for_url(re.compile(r"/compliance/pathway-plan-review/overdue/\?"))
    assert page.get_by_role("heading", level=1).inner_text() == "Overdue"
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_text("63 days overdue")).to_be_visible()
    check_page("compliance-03-cases")

    page.get_by_role("link", name="N000001").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    timescales = page.get_by_test_id("timescales")
    expect(page.get_by_role("heading", name="Timescales")).to_be_visible()
    plan = timescales.locator(".govuk-summary-list__row", has_text="Pathway plan review")
    # The case page checks against today: the plan due on 1 September 2026 is overdue from then on.
    expect(plan.locator(".govuk-tag--red")).to_have_text(re.compile(r"^\d+ days? overdue$"))
    expect(plan).to_contain_text("Due 1 September 2026")
    check_page("compliance-04-case")


def test_senior_leader_sees_counts_only(page, live_server, check_page, register):
    sign_in(page, live_server, "senior-leader")
    page.goto(f"{live_server.url}/compliance/")
    expect(page.locator("#compliance-counts")).to_be_visible()
    expect(page.locator("#compliance-counts a")).to_have_count(0)
    check_page("compliance-05-senior-leader")
