"""Kinds of audit besides the case file audit, end to end in the browser (issue 15, section 3): a thematic
audit of pathway plans across the care leavers, and a practice observation of a case chosen by hand. Each
is planned by the QA lead, done by the auditor on its own tool, moderated, and reported on its own, with
the auditor's feedback to the worker acknowledged. Each page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caseaudit.audits.models import Audit, AuditStatus, PracticeFeedback, Theme
from caseaudit.cycles.models import Cycle
from tests.factories import make_case

from .test_audit_journey import fill_date
from .test_register_journey import sign_in as sign_in_first

pytestmark = pytest.mark.browser


def sign_in(page, live_server, username: str) -> None:
    """Sign in as `username`, whoever was signed in before."""
    page.context.clear_cookies()
    sign_in_first(page, live_server, username)
    page.wait_for_url(re.compile(r"/$"))


def plan(page, live_server, check_page, kind: str, fill, screenshot: str) -> Cycle:
    """The QA lead plans a cycle of `kind` over the next four weeks (`fill` chooses its cases), confirms
    the sample and allocates it."""
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/cycles/plan/")
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Custom dates").check()
    today = timezone.localdate()
    fill_date(page, "id_starts_on", today)
    fill_date(page, "id_ends_on", today + timedelta(days=28))
    fill(page)
    check_page(f"{screenshot}-plan")
    page.get_by_role("button", name="Propose a sample").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    cycle = Cycle.objects.get()
    expect(page.locator("#cycle-details")).to_contain_text(kind)
    check_page(f"{screenshot}-draft")
    page.get_by_role("button", name="Confirm sample").click()
    page.get_by_role("button", name="Allocate audits").click()
    expect(page.get_by_text("Every audit has an auditor.")).to_be_visible()
    return cycle


def complete(page, live_server, check_page, audit: Audit, sources: tuple[str, ...], screenshot: str) -> None:
    """The auditor does the audit on its tool: every section Good, the sources, a finding, the overall
    grade, the feedback to the worker and manager; then submits it."""
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    page.get_by_role("button", name="Start this audit").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    check_page(f"{screenshot}-task-list")
    titles = page.locator("#sections-tasks .govuk-task-list__link").all_inner_texts()
    for title in titles:
        page.locator("#sections-tasks").get_by_role("link", name=title, exact=True).click()
        page.get_by_label("Good", exact=True).check()
        page.get_by_label("Evidence", exact=True).fill(f"Seen: {title}")
        page.get_by_label("Analysis", exact=True).fill(f"What it means: {title}")
        page.get_by_role("button", name="Save and return to task list").click()
        page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    page.get_by_role("link", name="Evidence sources").click()
    for source in sources:
        page.get_by_label("Source of evidence").select_option(label=source)
        fill_date(page, "id_used_on", timezone.localdate())
        page.get_by_role("button", name="Record the source").click()
        expect(page.get_by_role("row", name=re.compile(re.escape(source)))).to_be_visible()
    page.get_by_role("link", name="Return to the task list").click()
    page.get_by_role("link", name="Findings and actions").click()
    page.get_by_label("Practice or process issue").check()
    page.get_by_label("Theme").select_option(label="Recording delays")
    page.get_by_label("Finding", exact=True).fill("The plan was written up a month late.")
    page.get_by_role("button", name="Add the finding").click()
    page.get_by_role("link", name="Return to the task list").click()
    page.get_by_role("link", name="Overall grade").click()
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Rationale").fill("Clear and timely work, written up late.")
    page.get_by_role("button", name="Save and return to the task list").click()
    page.get_by_role("link", name="Feedback to the worker and manager").click()
    check_page(f"{screenshot}-feedback")
    page.get_by_label("What went well").fill("The young person's own words are in the plan.")
    page.get_by_label("What to do next").fill("Write the plan up within five working days.")
    page.get_by_role("button", name="Save and return to the task list").click()
    expect(page.locator("#practice-feedback-status")).to_have_text("Written")
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Submit the audit").click()
    expect(page.get_by_role("heading", name="Submitted, waiting for moderation")).to_be_visible()


def moderate_and_acknowledge(page, live_server, check_page, audit: Audit, screenshot: str) -> None:
    sign_in(page, live_server, "moderator")
    page.goto(f"{live_server.url}/audits/{audit.pk}/moderate/")
    page.get_by_role("button", name="Agree Good").click()
    page.wait_for_url(re.compile(r"/audits/moderation/$|/moderate/$"))
    audit.refresh_from_db()
    assert audit.status == AuditStatus.MODERATED
    # The worker finds the feedback on Your work and acknowledges it.
    sign_in(page, live_server, "worker")
    panel = page.locator("#panel-practice-feedback")
    expect(panel).to_contain_text("Feedback from audits to acknowledge (1)")
    panel.get_by_role("link", name=re.compile("N000001")).click()
    expect(page.get_by_text("The young person's own words are in the plan.")).to_be_visible()
    check_page(f"{screenshot}-acknowledge")
    page.get_by_label("Your reply (optional)").fill("Agreed: I have set a reminder.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#acknowledged")).to_contain_text("Acknowledged on")
    assert PracticeFeedback.objects.get(audit=audit).reply == "Agreed: I have set a reminder."


@pytest.fixture
def care_leavers(personas):
    Theme.objects.get_or_create(slug="recording-delays", defaults={"label": "Recording delays"})
    # Two more care leavers besides the personas' own case, in the same team.
    return [make_case(f"N00000{n}", "care-leaver", personas.own_case.team) for n in (2, 3)]


def test_a_thematic_audit_of_pathway_plans_is_planned_done_moderated_and_reported(
    page, live_server, check_page, personas, care_leavers
):
    def fill(page):
        page.get_by_label("Theme", exact=True).fill("Pathway plans")
        page.get_by_label("Only this cohort (optional)").select_option("care-leaver")
        page.get_by_label("Audit every case in scope").check()

    cycle = plan(page, live_server, check_page, "Thematic or dip-sample audit", fill, "70-thematic")
    assert (cycle.audit_type, cycle.theme, cycle.audits.count()) == ("thematic", "Pathway plans", 3)
    audit = cycle.audits.get(case=personas.own_case)
    complete(page, live_server, check_page, audit, ("Review of the case record",
             "Interview with the allocated worker"), "71-thematic")  # fmt: skip
    expect(page.locator("#audit-kind")).to_have_text("Thematic or dip-sample audit. Theme: Pathway plans")
    moderate_and_acknowledge(page, live_server, check_page, audit, "72-thematic")

    # Reported on its own: the case file audit's table is empty, the thematic audit's holds it.
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="No graded audits match these filters")).to_be_visible()
    page.get_by_label("Kind of audit").select_option("thematic")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-kind")).to_contain_text("Thematic or dip-sample audits only")
    expect(page.locator("main table").first).to_contain_text("Care leaver")
    check_page("73-thematic-report")
    page.goto(f"{live_server.url}/reports/cycles/{cycle.pk}/paper/")
    expect(page.get_by_text("Thematic or dip-sample audit: Pathway plans").first).to_be_visible()


def test_a_practice_observation_of_a_case_chosen_by_hand(
    page, live_server, check_page, personas, care_leavers
):
    def fill(page):
        page.get_by_label("Or choose the cases by hand (optional)").fill(
            "N000001, The worker is new to the team\nN000404, Named in a complaint"
        )

    # A child ID not in the register is refused at its field, and what was typed stays.
    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/cycles/plan/")
    page.get_by_label("Practice observation", exact=True).check()
    page.get_by_label("Custom dates").check()
    fill_date(page, "id_starts_on", timezone.localdate())
    fill_date(page, "id_ends_on", timezone.localdate() + timedelta(days=28))
    fill(page)
    page.get_by_role("button", name="Propose a sample").click()
    expect(page.get_by_role("link", name="N000404 is not in the case register")).to_be_visible()
    expect(page.get_by_label("Or choose the cases by hand (optional)")).to_contain_text(
        "Named in a complaint"
    )
    check_page("74-observation-refused")

    def by_hand(page):
        page.get_by_label("Or choose the cases by hand (optional)").fill(
            "N000001, The worker is new to the team"
        )

    cycle = plan(page, live_server, check_page, "Practice observation", by_hand, "75-observation")
    expect(page.get_by_role("cell", name=re.compile("The worker is new to the team"))).to_be_visible()
    audit = cycle.audits.get()
    complete(page, live_server, check_page, audit, ("Direct observation of practice",
             "The worker's reflection"), "76-observation")  # fmt: skip
    audit.refresh_from_db()
    assert audit.template.slug == "practice-observation" and not audit.not_triangulated
    moderate_and_acknowledge(page, live_server, check_page, audit, "77-observation")

    sign_in(page, live_server, "qa-lead")
    page.goto(f"{live_server.url}/reports/themes/?audit_type=practice-observation")
    issues = page.get_by_role("table", name=re.compile("Practice or process issues"))
    expect(issues.get_by_role("row", name=re.compile(r"^Recording delays 1 1$"))).to_be_visible()
    check_page("78-themes-over-time")
