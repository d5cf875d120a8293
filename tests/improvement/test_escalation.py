"""Safeguarding concerns: raised by the audit's auditor, emailed after commit to the team's managers with
the QA lead in copy, closed by the manager's response; listed only to those who may see them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseaudit.accounts.changes import redacted
from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.improvement.actions.concerns import escalate_concern, respond_to_concern
from caseaudit.improvement.models import SafeguardingConcern
from caseaudit.improvement.scoping import concerns_visible_to

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_staff, make_user

DESCRIPTION = "Pathway plan two years old; young person reported as missing twice with no return interview."


@pytest.fixture
def people(personas):
    for user in personas.by_role().values():
        user.email = f"{user.username}@example.test"
        user.save()
    return personas


@pytest.fixture
def audits(people):
    cycle = make_cycle([people.own_case, people.other_case])
    allocate_to(cycle, people.auditor)
    return cycle.audits.get(case=people.own_case), cycle.audits.get(case=people.other_case)


def _concern_events():
    return ChangeEvent.objects.filter(subject_type="safeguardingconcern")


def _raise(audit, user, description=DESCRIPTION):
    return escalate_concern(audit, description=description, acting_user=user, site_url="https://audit.test/")


def test_the_team_manager_is_emailed_after_commit_with_the_qa_lead_in_copy(
    people, audits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        concern = _raise(audits[0], people.auditor)
    assert mail.outbox == []  # nothing leaves before the concern is saved
    for callback in callbacks:
        callback()
    [email] = mail.outbox
    assert email.to == ["team-manager@example.test"]
    assert email.cc == ["qa-lead@example.test"]
    assert people.own_case.child_id in email.subject and "today" in email.subject
    assert people.own_case.child_id in email.body
    assert f"https://audit.test/concerns/{concern.pk}/" in email.body
    assert "needs a response today" in email.body
    # Whatever the auditor typed stays in the app.
    assert DESCRIPTION not in email.body
    assert set(concern.notified.all()) == {people.team_manager, people.qa_lead}
    assert concern.raised_by == people.auditor and concern.raised_at is not None and concern.is_open
    event = _concern_events().get()
    assert (event.event, event.actor, event.subject_type, event.subject_id, event.old, event.new) == (
        "concern.raised",
        people.auditor,
        "safeguardingconcern",
        str(concern.pk),
        {},
        {
            "audit": audits[0].pk,
            "case": people.own_case.pk,
            "description": redacted(DESCRIPTION),
            "notified": [people.team_manager.pk, people.qa_lead.pk],
        },
    )


def test_the_email_names_no_one(people, audits, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _raise(audits[0], people.auditor)
    text = mail.outbox[0].subject + mail.outbox[0].body
    for name in ("Will Worker", "Nadia Manager", "Ada Auditor"):
        assert name not in text


def test_every_team_manager_and_the_cases_own_manager_are_told(
    people, audits, django_capture_on_commit_callbacks
):
    second = make_user(
        Role.TEAM_MANAGER, "second-manager", staff=make_staff("Second Manager", people.own_case.team)
    )
    second.email = "second@example.test"
    second.save()
    gone = make_user(
        Role.TEAM_MANAGER, "gone-manager", staff=make_staff("Gone Manager", people.own_case.team)
    )
    gone.email, gone.is_active = "gone@example.test", False
    gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        _raise(audits[0], people.qa_lead)
    assert sorted(mail.outbox[0].to) == ["second@example.test", "team-manager@example.test"]


def test_with_no_team_manager_the_qa_lead_gets_it_and_the_page_says_so(
    client, people, audits, django_capture_on_commit_callbacks
):
    people.team_manager.email = ""
    people.team_manager.save()
    client.force_login(people.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("improvement:raise", args=[audits[0].pk]), {"description": DESCRIPTION}, follow=True
        )
    assert "no team manager could be emailed" in response.text
    concern = SafeguardingConcern.objects.get()
    assert list(concern.notified.all()) == [people.qa_lead]
    [email] = mail.outbox
    assert email.to == ["qa-lead@example.test"] and email.cc == []
    assert "No team manager could be told" in email.body


def test_a_description_is_required(people, audits):
    with pytest.raises(ValidationError):
        _raise(audits[0], people.auditor, "   ")
    assert not SafeguardingConcern.objects.exists() and not _concern_events().exists()


@pytest.mark.parametrize("persona", ["team_manager", "worker", "senior_leader", "outsider"])
def test_only_the_auditor_qa_lead_or_moderator_may_raise(people, audits, persona):
    with pytest.raises(PermissionDenied):
        _raise(audits[0], getattr(people, persona))
    assert not _concern_events().exists()
    assert not SafeguardingConcern.objects.exists()


def test_an_auditor_may_not_raise_on_an_audit_not_allocated_to_them(people, audits):
    other = make_user(Role.AUDITOR, "other-auditor")
    with pytest.raises(PermissionDenied):
        _raise(audits[0], other)
    assert not SafeguardingConcern.objects.exists()


def test_the_team_manager_responds_and_that_closes_it(people, audits, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        concern = _raise(audits[0], people.auditor)
    respond_to_concern(concern, response="Strategy discussion held today.", acting_user=people.team_manager)
    concern.refresh_from_db()
    assert not concern.is_open and concern.responded_by == people.team_manager
    answered = ChangeEvent.objects.get(event="concern.answered")
    assert (answered.actor, answered.subject_id, answered.old) == (
        people.team_manager,
        str(concern.pk),
        {"response": "", "responded_at": None},
    )
    assert answered.new["response"] == redacted("Strategy discussion held today.")
    with pytest.raises(ValidationError, match="already has a response"):
        respond_to_concern(concern, response="Again.", acting_user=people.qa_lead)
    assert ChangeEvent.objects.filter(event="concern.answered").count() == 1
    concern.refresh_from_db()
    assert (concern.response, concern.responded_by) == (
        "Strategy discussion held today.",
        people.team_manager,
    )


def test_a_response_is_required_and_only_from_the_cases_manager_or_qa_lead(people, audits):
    concern = _raise(audits[0], people.auditor)
    with pytest.raises(ValidationError):
        respond_to_concern(concern, response=" ", acting_user=people.team_manager)
    for persona in ("moderator", "auditor", "worker", "outsider"):
        with pytest.raises(PermissionDenied):
            respond_to_concern(concern, response="Done.", acting_user=getattr(people, persona))
    south_manager = make_user(Role.TEAM_MANAGER, "south-manager", staff=people.other_case.manager)
    with pytest.raises(PermissionDenied):
        respond_to_concern(concern, response="Done.", acting_user=south_manager)
    assert SafeguardingConcern.objects.get().is_open
    assert not ChangeEvent.objects.filter(event="concern.answered").exists()


def test_concerns_are_scoped(people, audits):
    own = _raise(audits[0], people.auditor)
    other = _raise(audits[1], people.qa_lead)
    assert set(concerns_visible_to(people.qa_lead)) == {own, other}
    assert set(concerns_visible_to(people.moderator)) == {own, other}
    assert set(concerns_visible_to(people.team_manager)) == {own}
    assert set(concerns_visible_to(people.auditor)) == {own}  # the one they raised
    for persona in ("worker", "senior_leader", "outsider"):
        assert not concerns_visible_to(getattr(people, persona)).exists()


def test_the_concern_is_saved_whatever_happens_to_the_email(
    people, audits, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        concern = _raise(audits[0], people.auditor)
    assert not mail.outbox
    assert list(concerns_visible_to(people.team_manager)) == [concern] and concern.is_open
