"""The auditor completes an audit: opens My audits, starts the audit, completes every section (grade,
evidence, analysis), records the record review and a worker interview, adds a finding and an action, sets
the overall grade and rationale, and submits it for moderation. Each page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caseaudit.audits import completion
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent, Theme
from caseaudit.audits.templates_store import default_template
from caseaudit.improvement.models import Action

from ..cycles.builders import allocate_to, make_cycle
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


def fill_date(page, prefix: str, day) -> None:
    page.locator(f"#{prefix}_0").fill(str(day.day))
    page.locator(f"#{prefix}_1").fill(str(day.month))
    page.locator(f"#{prefix}_2").fill(str(day.year))


def test_auditor_completes_and_submits_an_audit(page, live_server, check_page, personas):
    default_template()
    # A migration seeds the themes, but a browser test run before this one empties every table when it ends.
    Theme.objects.get_or_create(slug="recording-delays", defaults={"label": "Recording delays"})
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    audit = Audit.objects.get(cycle=cycle)

    sign_in(page, live_server, "auditor")
    page.get_by_role("link", name="My audits", exact=True).click()
    page.wait_for_url(re.compile(r"/audits/mine/$"))
    page.get_by_role("link", name="Start the audit of N000001").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    check_page("60-audit-not-started")
    page.get_by_role("button", name="Start this audit").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.locator("#sections-tasks")).to_be_visible()
    check_page("61-audit-task-list")

    audit.refresh_from_db()
    sections = completion.sections_of(audit)
    for index, section in enumerate(sections):
        page.locator("#sections-tasks").get_by_role("link", name=section.title, exact=True).click()
        page.wait_for_url(re.compile(rf"/sections/{section.slug}/$"))
        page.get_by_label("Good", exact=True).check()
        page.get_by_label("Evidence", exact=True).fill(f"Evidence seen for {section.title}")
        page.get_by_label("Analysis", exact=True).fill(f"Analysis of {section.title}")
        if index == 0:
            # Autosave (htmx) saves the draft as the auditor types, and keeps the form's version current.
            expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=10_000)
            check_page("62-audit-section")
        if index == 0 and len(sections) > 1:
            # "Save and continue" goes straight on to the next section.
            page.get_by_role("button", name="Save and continue").click()
            page.wait_for_url(re.compile(rf"/sections/{sections[1].slug}/$"))
            page.get_by_role("link", name="Back to the task list").click()
        else:
            page.get_by_role("button", name="Save and return to task list").click()
        page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
        expect(page.locator(f"#section-{section.slug}-status")).to_have_text("Completed")

    page.get_by_role("link", name="Evidence sources").click()
    page.wait_for_url(re.compile(r"/evidence/$"))
    check_page("63-audit-evidence")
    yesterday = timezone.localdate() - timedelta(days=1)
    for source in ("Review of the case record", "Interview with the allocated worker"):
        page.get_by_label("Source of evidence").select_option(label=source)
        fill_date(page, "id_used_on", yesterday)
        page.get_by_role("button", name="Record the source").click()
        expect(page.get_by_role("row", name=re.compile(source))).to_be_visible()

    page.get_by_role("link", name="Return to the task list").click()
    page.get_by_role("link", name="Findings and actions").click()
    page.wait_for_url(re.compile(r"/findings/$"))
    check_page("64-audit-findings")
    page.get_by_label("Practice or process issue").check()
    page.get_by_label("Theme").select_option(index=1)
    page.get_by_label("Finding", exact=True).fill("Case notes were written up weeks late.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_role("cell", name="Case notes were written up weeks late.")).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Bring the case recording up to date.")
    page.get_by_label("Owner").select_option(label="Nadia Manager (Team manager)")
    fill_date(page, "id_action-due_on", timezone.localdate() + timedelta(days=28))
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("cell", name="Bring the case recording up to date.")).to_be_visible()

    page.get_by_role("link", name="Return to the task list").click()
    page.get_by_role("link", name="Overall grade").click()
    page.wait_for_url(re.compile(r"/overall/$"))
    check_page("65-audit-overall")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Rationale").fill("The young person is supported well; recording lags behind.")
    page.get_by_role("button", name="Save and return to the task list").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))

    page.get_by_role("link", name="Check and submit").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    expect(page.get_by_text("I confirm this audit is based on the case record alone")).to_have_count(0)
    check_page("66-audit-check-and-submit")
    page.get_by_role("button", name="Submit the audit").click()
    page.wait_for_url(re.compile(rf"/audits/{audit.pk}/$"))
    expect(page.get_by_role("heading", name="Submitted, waiting for moderation")).to_be_visible()
    check_page("67-audit-submitted")

    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and audit.auditor_grade == "good"
    assert not audit.not_triangulated
    assert ModerationEvent.objects.filter(audit=audit, kind="submitted").exists()
    assert Action.objects.get(audit=audit).owner == personas.team_manager
