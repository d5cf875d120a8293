"""A moderator opens the queue of submitted audits, changes a grade with a reason, sees the change in the
audit's history and in the moderation statistics."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent

from ..audits.test_moderation import submitted_audit
from ..cycles.builders import make_cycle
from ..factories import make_case
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(personas):
    ada = personas.auditor
    ada.first_name, ada.last_name = "Ada", "Auditor"
    ada.save()
    cycle = make_cycle([personas.own_case, personas.other_case])
    older = cycle.audits.get(case=personas.own_case)
    newer = cycle.audits.get(case=personas.other_case)
    for audit, days_ago, grade, flagged in (
        (older, 6, "requires-improvement", True),
        (newer, 2, "good", False),
    ):
        made = submitted_audit(make_case(), ada, grade, days_ago=days_ago, not_triangulated=flagged)
        # Move the audit's fields onto the cycle's audit, so the queue shows the cycle.
        Audit.objects.filter(pk=audit.pk).update(
            **{
                f: getattr(made, f)
                for f in (
                    "auditor",
                    "status",
                    "template",
                    "grade_scale",
                    "auditor_grade",
                    "not_triangulated",
                    "submitted_at",
                )
            },
            overall_rationale="Visits are regular but the pathway plan was reviewed late.",
        )
        ModerationEvent.objects.filter(audit=made).update(audit=audit)
        made.delete()
    # An earlier agreement, so the statistics have something beside today's change.
    submitted_audit(make_case("H000001"), ada, "good", status=AuditStatus.MODERATED, moderated_grade="good")
    return older


def test_moderator_changes_a_grade(page, live_server, check_page, waiting):
    sign_in(page, live_server, "moderator")
    page.get_by_role("link", name="Moderation", exact=True).click()
    page.wait_for_url(re.compile(r"/audits/moderation/$"))
    expect(page.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    rows = page.locator("#waiting tbody tr")
    expect(rows).to_have_count(2)
    # Oldest first, flagged as not triangulated.
    expect(rows.first).to_contain_text("N000001")
    expect(rows.first).to_contain_text("Autumn 2026")
    expect(rows.first).to_contain_text("Requires improvement to be good")
    expect(rows.first.get_by_text("Not triangulated")).to_be_visible()
    check_page("60-moderation-queue")

    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/audits/{waiting.pk}/moderate/$"))
    expect(page.get_by_role("heading", name="Moderate the audit of N000001")).to_be_visible()
    check_page("61-moderate")

    # A change needs a reason: the error summary says so and the choice is kept.
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Change the grade").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter the reason for changing the grade")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Good", exact=True)).to_be_checked()
    check_page("62-moderate-error")

    page.get_by_label("Reason for the change").fill(
        "The pathway plan is current and the young person's views shape it."
    )
    page.get_by_role("button", name="Change the grade").click()
    page.wait_for_url(re.compile(rf"/audits/{waiting.pk}/moderate/$"))
    expect(page.get_by_text("You changed the grade of the audit of N000001 to Good.")).to_be_visible()
    history = page.get_by_role("table", name=re.compile("Every submission and moderation"))
    changed = history.get_by_role("row").filter(has_text="Grade changed")
    expect(changed).to_contain_text("Requires improvement to be good to Good")
    expect(changed).to_contain_text("The pathway plan is current")
    expect(changed).to_contain_text("moderator")
    audit = Audit.objects.get(pk=waiting.pk)
    assert (audit.status, audit.auditor_grade, audit.moderated_grade) == (
        AuditStatus.MODERATED,
        "requires-improvement",
        "good",
    )
    check_page("63-moderated")

    page.get_by_role("link", name="Back to moderation").click()
    page.get_by_role("link", name=re.compile("Moderation statistics")).click()
    page.wait_for_url(re.compile(r"/audits/moderation/statistics/$"))
    table = page.get_by_role("table", name=re.compile("Agreement by auditor"))
    # Ada: two moderated, one agreed, one moved up.
    expect(table.get_by_role("row", name=re.compile(r"^Ada Auditor 2 1 50% 1 0"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^All auditors 2 1 50% 1 0"))).to_be_visible()
    check_page("64-moderation-statistics")

    page.get_by_label("Cycle").select_option(label="Autumn 2026")
    page.get_by_role("button", name="Show").click()
    expect(table.get_by_role("row", name=re.compile(r"^Ada Auditor 1 0 0% 1 0"))).to_be_visible()
    check_page("65-moderation-statistics-cycle")
