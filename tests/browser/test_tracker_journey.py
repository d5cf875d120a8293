"""The improvement tracker: a team manager adds a note to an action and marks it done with the evidence;
the QA lead runs the meeting view, prints the agenda and verifies the action. Axe on every page."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from caseaudit.improvement.models import Action, ActionStatus

from ..improvement.conftest import make_action
from .conftest import ARTEFACTS, AXE, WCAG_TAGS
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tracked(personas):
    """The team manager's action, 5 days overdue; the worker's, due in 10 days; another team's."""
    return (
        make_action(personas.own_case, personas.team_manager, due_in=-5, description="Record supervision."),
        make_action(personas.own_case, personas.worker, due_in=10, description="Review the pathway plan."),
        make_action(personas.other_case, personas.outsider, due_in=3, description="Book the review."),
    )


def _axe_only(page, name: str) -> None:
    """The agenda has no navigation and no scripts, so `check_page`'s checks of those do not apply: a
    screenshot and axe alone."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the policy forbids inline ones
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in results["violations"]
    ]
    assert not violations, f"{name}: accessibility violations:\n{json.dumps(violations, indent=2)}"


def test_a_manager_updates_and_the_qa_lead_verifies(page, live_server, check_page, personas, tracked):
    mine, workers, _ = tracked
    sign_in(page, live_server, "team-manager")
    page.get_by_role("link", name="Actions", exact=True).click()
    page.wait_for_url(re.compile(r"/actions/$"))
    expect(page.locator("#action-counts")).to_contain_text("2 open, 0 in progress, 1 overdue")
    # Their team's actions only; overdue first.
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Book the review.")).to_have_count(0)
    expect(page.locator("table").first.locator("caption")).to_contain_text("Nadia Manager")
    check_page("80-actions-team-manager")

    page.locator(f'tr[data-action="{mine.pk}"] th a').click()
    page.wait_for_url(re.compile(rf"/actions/{mine.pk}/$"))
    expect(page.get_by_role("heading", name="Update the action")).to_be_visible()
    check_page("81-action-team-manager")

    page.get_by_label("Progress note").fill("Supervision booked for Friday.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("The action is updated.")).to_be_visible()
    expect(page.get_by_text("Supervision booked for Friday.")).to_be_visible()

    # Done without evidence: the error summary says what is missing and links to the box.
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.get_by_role("link", name="Enter the evidence that the action is done").click()
    expect(page.get_by_label("Evidence that it is done")).to_be_focused()
    check_page("82-action-evidence-missing")
    page.get_by_label("Evidence that it is done").fill("Supervision note of 20 November in the record.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("The action is updated.")).to_be_visible()
    assert Action.objects.get(pk=mine.pk).status == ActionStatus.DONE

    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server, "qa-lead")
    page.get_by_role("link", name="Actions", exact=True).click()
    page.wait_for_url(re.compile(r"/actions/$"))
    expect(page.locator("#action-counts")).to_contain_text("1 done waiting to be verified")
    page.get_by_label("Group by").select_option("team")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"group=team"))
    captions = page.locator("table caption")
    expect(captions).to_have_count(2)
    expect(captions.first).to_contain_text("North Children and Families")
    check_page("83-actions-qa-lead")

    agenda = page.get_by_role("link", name="Printable agenda").get_attribute("href")
    page.goto(f"{live_server.url}{agenda}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Improvement meeting agenda")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator("caption").first).to_contain_text("North Children and Families")
    _axe_only(page, "84-actions-agenda")
    page.go_back()

    page.locator(f'tr[data-action="{mine.pk}"] th a').click()
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(rf"/actions/{mine.pk}/verify/$"))
    expect(page.get_by_text("Supervision note of 20 November in the record.")).to_be_visible()
    check_page("85-action-verify")
    page.get_by_role("button", name="Verify the action").click()
    expect(page.get_by_text("The action is verified.")).to_be_visible()
    check_page("86-action-verified")
    assert Action.objects.get(pk=mine.pk).status == ActionStatus.VERIFIED
    assert Action.objects.get(pk=workers.pk).status == ActionStatus.OPEN
