"""What moderation hands to the people who act next: a return's comments to the auditor (on the audit's task
list and in My audits), and, once moderated, both grades and the moderator's reason to the auditor, the QA
lead and the case's team manager and worker, on the audit page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions.moderation import agree_grade, change_grade, return_audit

from .completion_helpers import ready_to_submit

COMMENTS = "Say how the pathway plan was reviewed with the young person."
REASON = "The pathway plan was not reviewed for eight months."


@pytest.fixture
def submitted(personas):
    audit = ready_to_submit(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()
    return audit


def _returned(audit, personas):
    return_audit(audit, comments=COMMENTS, expected_version=audit.version, acting_user=personas.moderator)
    audit.refresh_from_db()
    return audit


def _page(client, user, audit):
    client.force_login(user)
    return client.get(reverse("audits:detail", args=[audit.pk]))


def test_the_auditor_reads_the_moderators_comments_with_the_task_list(client, personas, submitted):
    _returned(submitted, personas)
    response = _page(client, personas.auditor, submitted)
    text = response.text
    assert "Returned for more work" in text and COMMENTS in text
    assert "moderator returned this audit on" in text  # who returned it (the moderator's name) and when
    assert "govuk-task-list" in text  # the tasks to change are right below the comments
    assert "then check and submit the audit again" in text


def test_my_audits_shows_who_returned_an_audit_and_why(client, personas, submitted):
    _returned(submitted, personas)
    client.force_login(personas.auditor)
    text = client.get(reverse("audits:mine")).text
    assert "Returned by moderator on" in text and COMMENTS in text
    assert "1 audit was returned to you for more work" in text


def test_a_resubmitted_audit_no_longer_shows_the_return_as_work_to_do(client, personas, submitted):
    audit = _returned(submitted, personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    client.force_login(personas.auditor)
    assert COMMENTS not in client.get(reverse("audits:mine")).text
    assert "Returned for more work" not in _page(client, personas.auditor, audit).text


def test_the_case_team_does_not_see_comments_on_a_returned_audit(client, personas, submitted):
    # Returned, the audit is the auditor's draft again: the team does not reach it at all.
    _returned(submitted, personas)
    for person in (personas.team_manager, personas.worker):
        assert _page(client, person, submitted).status_code == 404


def test_no_moderated_grade_shows_before_moderation(client, personas, submitted):
    for person in (personas.auditor, personas.team_manager, personas.worker, personas.qa_lead):
        response = _page(client, person, submitted)
        assert response.status_code == 200
        assert "Grades after moderation" not in response.text and "Moderated grade" not in response.text


def test_both_grades_and_the_reason_show_once_moderated(client, personas, submitted):
    change_grade(
        submitted,
        grade="requires-improvement",
        reason=REASON,
        expected_version=submitted.version,
        acting_user=personas.moderator,
    )
    for person in (personas.auditor, personas.qa_lead, personas.team_manager, personas.worker):
        text = _page(client, person, submitted).text
        assert "Grades after moderation" in text, person
        grades = text[text.index("Grades after moderation") :]
        assert "Auditor's grade" in grades and "Good" in grades
        assert "Moderated grade" in grades and "Requires improvement" in grades
        assert "Changed by moderation" in grades and REASON in grades
        assert "by moderator" in grades
    assert _page(client, personas.outsider, submitted).status_code == 404


def test_an_agreed_grade_shows_as_agreed_with_no_reason(client, personas, submitted):
    agree_grade(submitted, expected_version=submitted.version, acting_user=personas.moderator)
    text = _page(client, personas.team_manager, submitted).text
    assert "Agreed" in text and "Reason for the change" not in text
