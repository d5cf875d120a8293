"""The concern pages: raise from an audit, the list (open first), one concern with its response form."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from caseaudit.improvement.actions.concerns import escalate_concern, respond_to_concern
from caseaudit.improvement.models import SafeguardingConcern

from ..cycles.builders import allocate_to, make_cycle


@pytest.fixture
def audits(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    return cycle.audits.get(case=personas.own_case), cycle.audits.get(case=personas.other_case)


def test_an_auditor_raises_a_concern(client, personas, audits, django_capture_on_commit_callbacks):
    personas.team_manager.email = "tm@example.test"
    personas.team_manager.save()
    client.force_login(personas.auditor)
    url = reverse("improvement:raise", args=[audits[0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "goes to the case's team manager at once" in page.text
    empty = client.post(url, {"description": ""})
    assert "Describe the concern" in empty.text and not SafeguardingConcern.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"description": "No visit for 4 months."}, follow=True)
    concern = SafeguardingConcern.objects.get()
    assert (concern.audit, concern.case, concern.raised_by, concern.description) == (
        audits[0],
        personas.own_case,
        personas.auditor,
        "No visit for 4 months.",
    )
    assert response.redirect_chain[-1][0] == reverse("improvement:detail", args=[concern.pk])
    # In the test's transaction the emails go only when the test's block ends, so the page says they wait.
    assert "the email is waiting to be sent" in response.text
    [email] = mail.outbox
    assert email.to == ["tm@example.test"] and personas.own_case.child_id not in email.subject
    assert "No visit for 4 months." in response.text
    # The auditor sees their concern, but not the list.
    assert client.get(reverse("improvement:list")).status_code == 403


def test_the_list_puts_open_concerns_first(client, personas, audits):
    first = escalate_concern(audits[0], description="First.", acting_user=personas.auditor)
    second = escalate_concern(audits[0], description="Second.", acting_user=personas.auditor)
    respond_to_concern(second, response="Handled.", acting_user=personas.qa_lead)
    escalate_concern(audits[1], description="South.", acting_user=personas.qa_lead)
    client.force_login(personas.qa_lead)
    text = client.get(reverse("improvement:list")).text
    assert "Open (2)" in text and "Closed (1)" in text
    assert text.index(reverse("improvement:detail", args=[first.pk])) < text.index(
        reverse("improvement:detail", args=[second.pk])
    )
    client.force_login(personas.team_manager)
    mine = client.get(reverse("improvement:list")).text
    assert personas.own_case.child_id in mine and personas.other_case.child_id not in mine
    assert "Open (1)" in mine


def test_the_team_manager_responds_on_the_concern_page(client, personas, audits):
    concern = escalate_concern(audits[0], description="Risk.", acting_user=personas.auditor)
    client.force_login(personas.team_manager)
    url = reverse("improvement:detail", args=[concern.pk])
    assert "Record the response" in client.get(url).text
    assert "Enter the response" in client.post(url, {"response": ""}).text
    assert SafeguardingConcern.objects.get().is_open
    response = client.post(url, {"response": "Visited today; child safe."}, follow=True)
    assert "the concern is closed" in response.text and "Record the response" not in response.text
    closed = SafeguardingConcern.objects.get()
    assert not closed.is_open
    assert (closed.response, closed.responded_by) == ("Visited today; child safe.", personas.team_manager)


def test_a_moderator_reads_but_does_not_respond(client, personas, audits):
    concern = escalate_concern(audits[0], description="Risk.", acting_user=personas.auditor)
    client.force_login(personas.moderator)
    url = reverse("improvement:detail", args=[concern.pk])
    assert "Record the response" not in client.get(url).text
    assert client.post(url, {"response": "Mine."}).status_code == 403
    concern.refresh_from_db()
    assert concern.is_open and concern.response == ""


def test_another_teams_manager_gets_not_found(client, personas, audits):
    concern = escalate_concern(audits[1], description="Risk.", acting_user=personas.qa_lead)
    client.force_login(personas.team_manager)
    assert client.get(reverse("improvement:detail", args=[concern.pk])).status_code == 404
    assert client.post(reverse("improvement:detail", args=[concern.pk]), {"response": "x"}).status_code == 404
    assert SafeguardingConcern.objects.get().is_open


def test_an_auditor_cannot_raise_on_another_auditors_audit(client, personas, audits):
    from ..factories import make_user

    client.force_login(make_user("auditor", "stranger"))
    url = reverse("improvement:raise", args=[audits[0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"description": "Not my audit."}).status_code == 404
    assert not SafeguardingConcern.objects.exists()
