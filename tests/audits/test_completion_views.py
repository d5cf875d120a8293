"""The pages that complete an audit: task list, sections (with autosave), evidence, findings and actions,
overall grade, check and submit; their error paths and the edit conflict."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog, Role
from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.models import AuditStatus, EvidenceUse, Finding, SectionResponse, Theme
from caseaudit.improvement.models import Action

from ..factories import make_user
from .completion_helpers import allocated_audit, ready_to_submit, started_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client, personas):
    client.force_login(personas.auditor)
    return client


def url(name, audit, *args):
    return reverse(f"audits:{name}", args=[audit.pk, *args])


def test_detail_offers_to_start_then_shows_the_task_list(auditor, personas):
    audit = allocated_audit(personas)
    response = auditor.get(url("detail", audit))
    assert response.status_code == 200
    assert "Start this audit" in response.text and personas.own_case.child_id in response.text
    assert AccessLog.objects.filter(action="view", object_type="audit", object_id=str(audit.pk)).exists()
    response = auditor.post(url("start", audit), {"version": audit.version})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS and audit.started_at is not None
    response = auditor.get(url("detail", audit))
    assert "govuk-task-list" in response.text
    for task in ("Evidence sources", "Findings and actions", "Overall grade", "Check and submit"):
        assert task in response.text
    assert "Pathway plan" in response.text or "care leaver" in response.text.lower()
    assert "Not started" in response.text and "Cannot start yet" in response.text


def test_start_on_a_stale_page_is_a_conflict(auditor, personas):
    audit = allocated_audit(personas)
    response = auditor.post(url("start", audit), {"version": audit.version + 5})
    assert response.status_code == 409
    assert "changed by someone else" in response.text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.NOT_STARTED


def test_task_statuses_follow_the_section_responses(auditor, personas):
    audit = started_audit(personas)
    completing.save_section(
        audit, "recording", grade="good", evidence="E", analysis="A", answers={},
        expected_version=audit.version, acting_user=personas.auditor,
    )  # fmt: skip
    completing.save_section(
        audit, "multi-agency", grade="", evidence="Started", analysis="", answers={},
        expected_version=audit.version, acting_user=personas.auditor,
    )  # fmt: skip
    text = auditor.get(url("detail", audit)).text
    assert 'id="section-recording-status">\n      Completed' in text
    assert (
        'id="section-multi-agency-status">\n      <strong class="govuk-tag govuk-tag--light-blue">In progress'
        in text
    )
    assert "You have completed 1 of" in text


def test_qa_lead_reads_the_audit_but_cannot_edit(client, personas):
    audit = started_audit(personas)
    client.force_login(personas.qa_lead)
    response = client.get(url("detail", audit))
    assert response.status_code == 200
    assert "Start this audit" not in response.text and "govuk-task-list" not in response.text
    assert client.get(url("section", audit, "recording")).status_code == 403
    data = section_data(audit)
    assert client.post(url("section", audit, "recording"), data).status_code == 403
    assert client.post(url("section-autosave", audit, "recording"), data).status_code == 403
    assert not SectionResponse.objects.exists()


def test_team_manager_reads_a_draft_only_once_submitted(client, personas):
    audit = ready_to_submit(personas)
    client.force_login(personas.team_manager)
    # The draft is the auditor's: not found, as for a case of another team.
    response = client.get(url("detail", audit))
    assert response.status_code == 404 and "Evidence for recording" not in response.text
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    response = client.get(url("detail", audit))
    assert "Evidence for recording" in response.text
    assert "Submitted, waiting for moderation" in response.text


def test_another_auditor_gets_404(client, personas):
    audit = started_audit(personas)
    client.force_login(make_user(Role.AUDITOR, "other-auditor"))
    assert client.get(url("detail", audit)).status_code == 404
    assert client.get(url("section", audit, "recording")).status_code == 404


def test_edit_pages_before_start_go_back_to_the_task_list(auditor, personas):
    audit = allocated_audit(personas)
    for name in ("evidence", "findings", "overall", "submit"):
        assert auditor.get(url(name, audit)).url == url("detail", audit)


# A section ------------------------------------------------------------------------------------------------


def section_data(audit, **changes):
    return {
        "version": audit.version,
        "grade": "good",
        "evidence": "My evidence",
        "analysis": "My analysis",
    } | changes


def test_section_page_shows_grades_with_descriptors_and_questions(auditor, personas):
    audit = started_audit(personas)
    response = auditor.get(url("section", audit, "recording"))
    assert response.status_code == 200
    assert "Requires improvement to be good" in response.text
    assert "serious failures that leave the child harmed" in response.text
    assert 'name="q_up-to-date"' in response.text
    assert f'name="version" value="{audit.version}"' in response.text
    assert "hx-post" in response.text
    assert auditor.get(url("section", audit, "no-such-section")).status_code == 404


def test_section_save_then_back_to_the_task_list(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(
        url("section", audit, "recording"), section_data(audit, **{"q_up-to-date": "yes"})
    )
    assert response.status_code == 302 and response.url == url("detail", audit)
    saved = SectionResponse.objects.get(audit=audit, section="recording")
    assert (saved.grade, saved.evidence, saved.answers["up-to-date"]) == ("good", "My evidence", "yes")


def test_save_and_continue_goes_to_the_next_section_and_the_last_back_to_the_task_list(auditor, personas):
    audit = started_audit(personas)
    slugs = [section.slug for section in completion.sections_of(audit)]
    page = auditor.get(url("section", audit, slugs[0])).text
    assert "Save and continue" in page and "Save and return to task list" in page
    # Narrative fields are sized for paragraphs.
    assert re.search(r'<textarea[^>]*id="id_evidence"[^>]*rows="8"', page)
    assert re.search(r'<textarea[^>]*id="id_analysis"[^>]*rows="8"', page)
    response = auditor.post(url("section", audit, slugs[0]), section_data(audit, then="next"))
    assert response.status_code == 302 and response.url == url("section", audit, slugs[1])
    audit.refresh_from_db()
    last = auditor.get(url("section", audit, slugs[-1])).text
    assert "Save and continue" not in last
    response = auditor.post(url("section", audit, slugs[-1]), section_data(audit, then="next"))
    assert response.status_code == 302 and response.url == url("detail", audit)


def test_section_error_keeps_what_was_typed(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(url("section", audit, "recording"), section_data(audit, grade="excellent"))
    assert response.status_code == 200
    assert "There is a problem" in response.text and "My evidence" in response.text
    assert not SectionResponse.objects.exists()


def test_section_conflict_shows_a_message_and_keeps_the_text(client, personas):
    audit = started_audit(personas)
    stale = audit.version
    # Someone (another tab) saved first.
    completing.save_section(
        audit, "recording", grade="good", evidence="Saved first", analysis="", answers={},
        expected_version=stale, acting_user=personas.auditor,
    )  # fmt: skip
    client.force_login(personas.auditor)
    data = section_data(audit, version=stale, evidence="Typed in the second tab")
    response = client.post(url("section", audit, "recording"), data)
    assert response.status_code == 409
    assert "Your change was not saved" in response.text
    assert "Typed in the second tab" in response.text
    assert SectionResponse.objects.get(audit=audit).evidence == "Saved first"


def test_autosave_answers_a_fragment_with_the_new_version(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(url("section-autosave", audit, "recording"), section_data(audit, grade=""))
    assert response.status_code == 200
    assert "Draft saved at" in response.text
    audit.refresh_from_db()
    assert f'value="{audit.version}"' in response.text and 'hx-swap-oob="true"' in response.text
    assert SectionResponse.objects.get(audit=audit).evidence == "My evidence"
    # The same version again (a second tab): a conflict, nothing overwritten.
    response = auditor.post(
        url("section-autosave", audit, "recording"),
        section_data(audit, version=audit.version - 1, evidence="Old"),
    )
    assert "Not saved" in response.text and "changed by someone else" in response.text
    assert "hx-swap-oob" not in response.text
    assert SectionResponse.objects.get(audit=audit).evidence == "My evidence"


def test_autosave_of_a_submitted_audit_is_refused(auditor, personas):
    audit = ready_to_submit(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    saved = SectionResponse.objects.get(audit=audit, section="recording")
    data = section_data(audit, grade="inadequate", evidence="Changed after submitting")
    response = auditor.post(url("section-autosave", audit, "recording"), data)
    assert "Not saved: this audit is submitted" in response.text
    assert SectionResponse.objects.get(pk=saved.pk).evidence == saved.evidence == "Evidence for recording"
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    # And the edit pages go back to the read-only audit.
    assert auditor.get(url("section", audit, "recording")).url == url("detail", audit)


# Evidence, findings and actions, overall ------------------------------------------------------------------


def date_fields(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_evidence_page_records_and_removes(auditor, personas):
    audit = started_audit(personas)
    day = timezone.localdate() - timedelta(days=2)
    data = {
        "version": audit.version,
        "action": "record",
        "source": "record-review",
        **date_fields("used_on", day),
    }
    assert auditor.post(url("evidence", audit), data).status_code == 302
    assert EvidenceUse.objects.get(audit=audit).used_on == day
    text = auditor.get(url("evidence", audit)).text
    assert "Review of the case record" in text and "flagged as not triangulated" in text
    # No date: an error, the choice kept.
    audit.refresh_from_db()
    response = auditor.post(
        url("evidence", audit), {"version": audit.version, "action": "record", "source": "worker-interview"}
    )
    assert response.status_code == 200 and "Enter the date the source was used" in response.text
    assert list(EvidenceUse.objects.values_list("source", flat=True)) == ["record-review"]  # nothing added
    response = auditor.post(
        url("evidence", audit), {"version": audit.version, "action": "remove", "item": "record-review"}
    )
    assert response.status_code == 302 and not EvidenceUse.objects.exists()


def test_findings_page_adds_a_finding_and_an_action(auditor, personas):
    audit = started_audit(personas)
    theme = Theme.objects.filter(active=True).first()
    response = auditor.get(url("findings", audit))
    assert f'value="{theme.pk}"' in response.text and "Nadia Manager (Team manager)" in response.text
    assert "Olu Outsider" not in response.text
    data = {"action": "add-finding", "finding-version": audit.version, "finding-kind": "strength",
            "finding-theme": theme.pk, "finding-text": "Voice of the child is clear"}  # fmt: skip
    assert auditor.post(url("findings", audit), data).status_code == 302
    audit.refresh_from_db()
    due = timezone.localdate() + timedelta(days=28)
    data = {"action": "add-action", "action-version": audit.version, "action-description": "Review the plan",
            "action-owner": personas.team_manager.pk, **date_fields("action-due_on", due)}  # fmt: skip
    assert auditor.post(url("findings", audit), data).status_code == 302
    assert Finding.objects.get(audit=audit).text == "Voice of the child is clear"
    assert Action.objects.get(audit=audit).owner == personas.team_manager
    # Errors: nothing chosen.
    audit.refresh_from_db()
    response = auditor.post(url("findings", audit), {"action": "add-action", "action-version": audit.version})
    assert "Describe the action" in response.text and "Select an owner" in response.text
    assert (
        Action.objects.filter(audit=audit).count() == 1 and Finding.objects.filter(audit=audit).count() == 1
    )


def test_findings_conflict(auditor, personas):
    audit = started_audit(personas)
    theme = Theme.objects.filter(active=True).first()
    data = {"action": "add-finding", "finding-version": audit.version - 1, "finding-kind": "issue",
            "finding-theme": theme.pk, "finding-text": "Kept text"}  # fmt: skip
    response = auditor.post(url("findings", audit), data)
    assert response.status_code == 409 and "Kept text" in response.text
    assert not Finding.objects.exists()


def test_overall_page(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(
        url("overall", audit), {"version": audit.version, "grade": "good", "rationale": "R"}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.draft_grade, audit.overall_rationale) == ("good", "R")
    response = auditor.post(
        url("overall", audit), {"version": audit.version, "grade": "top", "rationale": "R2"}
    )
    assert response.status_code == 200 and "There is a problem" in response.text and "R2" in response.text
    audit.refresh_from_db()
    assert (audit.draft_grade, audit.overall_rationale) == ("good", "R")  # the refused change not saved


# Check and submit -----------------------------------------------------------------------------------------


def test_submit_lists_what_is_missing_with_links(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(url("submit", audit), {"version": audit.version})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="{url("section", audit, "recording")}"' in response.text
    assert f'href="{url("evidence", audit)}"' in response.text
    assert f'href="{url("overall", audit)}"' in response.text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_submit_not_triangulated_needs_the_checkbox(auditor, personas):
    audit = ready_to_submit(personas, triangulated=False)
    response = auditor.get(url("submit", audit))
    assert "I confirm this audit is based on the case record alone" in response.text
    response = auditor.post(url("submit", audit), {"version": audit.version})
    assert response.status_code == 200 and "Only the case record was used as evidence" in response.text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    response = auditor.post(
        url("submit", audit), {"version": audit.version, "confirm_not_triangulated": "on"}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and audit.not_triangulated
    text = auditor.get(url("detail", audit)).text
    assert "Submitted, waiting for moderation" in text and "Not triangulated" in text
    assert "Not triangulated" in auditor.get(reverse("audits:mine")).text


def test_submit_triangulated(auditor, personas):
    audit = ready_to_submit(personas)
    response = auditor.get(url("submit", audit))
    assert "I confirm this audit" not in response.text
    assert "Evidence for recording" in response.text  # the check answers summary
    assert auditor.post(url("submit", audit), {"version": audit.version}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and not audit.not_triangulated


def test_the_audit_page_offers_a_safeguarding_concern_and_feedback_to_its_auditor(db):
    from django.test import Client
    from django.urls import reverse

    from caseaudit.audits.models import Audit
    from caseaudit.cases.models import Case
    from tests.cycles.builders import allocate_to, make_cycle
    from tests.factories import make_user

    case = Case.objects.create(child_id="SG1", cohort="care-leaver")
    cycle = make_cycle([case])
    auditor = make_user("auditor", "sg-auditor")
    allocate_to(cycle, auditor)
    audit = Audit.objects.get(case=case)
    client = Client()
    client.force_login(auditor)
    page = client.get(reverse("audits:detail", args=[audit.pk])).text
    assert reverse("improvement:raise", args=[audit.pk]) in page
    assert reverse("audits:feedback", args=[audit.pk]) in page
    client.force_login(make_user("senior-leader", "sl"))
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code in (403, 404)


def test_the_task_list_marks_completed_exactly_what_submission_no_longer_asks_for(auditor, personas):
    audit = started_audit(personas)
    user = personas.auditor
    for slug, grade, analysis in (("recording", "good", "A"), ("multi-agency", "", "")):
        completing.save_section(
            audit, slug, grade=grade, evidence="E", analysis=analysis, answers={},
            expected_version=audit.version, acting_user=user,
        )  # fmt: skip
    completing.save_overall(
        audit, grade="good", rationale="", expected_version=audit.version, acting_user=user
    )
    completing.record_evidence(
        audit, "worker-interview", used_on=timezone.localdate(), note="", expected_version=audit.version,
        acting_user=user,
    )  # fmt: skip
    # Each task's link, and the status beside it.
    task = r'href="([^"]+)" aria-describedby="[\w-]+-status[^"]*">[^<]+</a>'
    beside = r'.*?-status">\s*(?:<strong[^>]*>)?([^<\n]+)'
    tasks = re.findall(task + beside, auditor.get(url("detail", audit)).text, re.S)
    completed = {href for href, status in tasks if status == "Completed"}
    assert completed == {url("section", audit, "recording")}
    asked_for = set(
        re.findall(
            r'<li><a href="(/audits/[^"]+)">',
            auditor.post(url("submit", audit), {"version": audit.version}).text,
        )
    )
    optional = (url("findings", audit), url("submit", audit), url("practice-feedback", audit))
    parts = {href for href, _ in tasks if href not in optional}
    assert asked_for == parts - completed


def test_a_refused_removal_leaves_the_page_on_the_audits_version(auditor, personas):
    audit = started_audit(personas)
    response = auditor.post(
        url("findings", audit), {"action": "remove-finding", "version": audit.version, "item": 999}
    )
    assert response.status_code == 200 and "That finding is not on this audit" in response.text
    audit.refresh_from_db()
    assert f'name="finding-version" value="{audit.version}"' in response.text


def test_submitting_a_page_without_its_version_says_so(auditor, personas):
    audit = ready_to_submit(personas)
    response = auditor.post(url("submit", audit), {})
    assert response.status_code == 200
    assert "The page is missing the audit&#x27;s version: reload it and try again." in response.text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
