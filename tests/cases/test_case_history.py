"""The case page's history: the case's audits (with both grades and links), actions, follow-ups, concerns
and feedback received, each only to those who may open it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import Role
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions.moderation import change_grade
from caseaudit.audits.models import Audit, AuditStatus, FeedbackResponse, Respondent
from caseaudit.improvement.actions.concerns import escalate_concern, respond_to_concern
from caseaudit.improvement.models import Action

from ..audits.completion_helpers import ready_to_submit
from ..factories import make_user

RESPONSE = "Visited the same day; the plan is updated."


@pytest.fixture
def audit(personas):
    return ready_to_submit(personas)


def _case_page(client, user, case):
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.pk]))


def _submit(audit, personas):
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()


def test_the_case_team_sees_an_audit_on_the_case_page_only_once_submitted(client, personas, audit):
    detail = reverse("audits:detail", args=[audit.pk])
    for person in (personas.team_manager, personas.worker):
        text = _case_page(client, person, personas.own_case).text
        assert detail not in text and "No audits of this case for you to read" in text
    # The QA team and the auditor see the draft already.
    for person in (personas.qa_lead, personas.auditor):
        assert detail in _case_page(client, person, personas.own_case).text
    _submit(audit, personas)
    for person in (personas.team_manager, personas.worker):
        text = _case_page(client, person, personas.own_case).text
        assert detail in text and "Autumn 2026" in text
        assert client.get(detail).status_code == 200


def test_the_case_page_shows_the_auditors_and_the_moderated_grade(client, personas, audit):
    _submit(audit, personas)
    text = _case_page(client, personas.worker, personas.own_case).text
    audits = text[text.index('id="audits"') :]
    assert "Good" in audits and "Requires improvement" not in audits
    change_grade(
        audit,
        grade="requires-improvement",
        reason="Plan out of date.",
        expected_version=audit.version,
        acting_user=personas.moderator,
    )
    text = _case_page(client, personas.worker, personas.own_case).text
    audits = text[text.index('id="audits"') :]
    assert "Good" in audits and "Requires improvement" in audits and "Moderated" in audits


def test_a_past_audit_with_its_moderated_grade_alone_says_the_auditors_is_not_recorded(client, personas):
    case = personas.own_case
    Audit.objects.create(
        case=case,
        cohort=case.cohort,
        status=AuditStatus.MODERATED,
        completed_on=date(2019, 10, 14),
        moderated_grade="good",
        auditor_organisation="Northern Audit Partners",
    )
    text = _case_page(client, personas.qa_lead, case).text
    audits = " ".join(text[text.index('id="audits"') :].split())
    assert "by Northern Audit Partners" in audits
    assert '14 Oct 2019</td> <td class="govuk-table__cell">Not recorded</td>' in audits


def test_another_teams_manager_gets_not_found(client, personas, audit):
    _submit(audit, personas)
    other_manager = make_user(Role.TEAM_MANAGER, "south-manager", staff=personas.other_case.manager)
    assert _case_page(client, other_manager, personas.own_case).status_code == 404
    client.force_login(other_manager)
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == 404


def test_actions_and_feedback_show_to_the_case_team(client, personas, audit):
    Action.objects.create(
        audit=audit,
        case=personas.own_case,
        team=personas.own_case.team,
        description="Review the pathway plan.",
        owner=personas.worker,
        due_on=timezone.localdate(),
    )
    FeedbackResponse.objects.create(
        audit=audit, respondent=Respondent.YOUNG_PERSON, answers={}, received_on=timezone.localdate()
    )
    # Before submission the action is the auditor's draft and the audit is not the team's yet.
    text = _case_page(client, personas.team_manager, personas.own_case).text
    assert "Review the pathway plan." not in text and "Feedback received" not in text
    _submit(audit, personas)
    text = _case_page(client, personas.team_manager, personas.own_case).text
    assert "Review the pathway plan." in text
    assert "Feedback received" in text and "from the child or young person" in text


def test_the_concern_raiser_opens_the_concern_and_reads_the_response(client, personas, audit):
    concern = escalate_concern(audit, description="Bruising seen in photos.", acting_user=personas.auditor)
    respond_to_concern(concern, response=RESPONSE, acting_user=personas.team_manager)
    concern_url = reverse("improvement:detail", args=[concern.pk])
    text = _case_page(client, personas.auditor, personas.own_case).text
    assert concern_url in text and "Responded to on" in text
    response = client.get(concern_url)
    assert response.status_code == 200 and RESPONSE in response.text
    # The worker sees no concerns; another auditor cannot open it.
    assert concern_url not in _case_page(client, personas.worker, personas.own_case).text
    client.force_login(make_user(Role.AUDITOR, "another-auditor"))
    assert client.get(concern_url).status_code == 404
