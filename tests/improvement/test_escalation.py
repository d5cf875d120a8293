"""Safeguarding concerns: raised by the audit's auditor, told to the team's managers and the QA lead in
the app and by email through the outbox, closed by the manager's response; the page says exactly who was
told and how, and tells the auditor to phone when no manager has it by email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseaudit.accounts.changes import redacted
from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.improvement.actions.concerns import escalate_concern, respond_to_concern
from caseaudit.improvement.models import SafeguardingConcern
from caseaudit.improvement.scoping import concerns_visible_to
from caseaudit.notifications.models import Email, Notification
from caseaudit.notifications.outbox import deliver_due

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
    return escalate_concern(audit, description=description, acting_user=user)


def _raise_on_the_page(client, user, audit):
    """As in production: the concern commits inside the request, and its emails go to the mail server
    before the page says who has it (so these tests run in real transactions)."""
    client.force_login(user)
    return client.post(
        reverse("improvement:raise", args=[audit.pk]), {"description": DESCRIPTION}, follow=True
    )


def _mail_server_down(monkeypatch):
    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)


def test_the_team_manager_is_emailed_after_commit_and_the_qa_lead_told_too(
    people, audits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        concern = _raise(audits[0], people.auditor)
    assert mail.outbox == []  # nothing leaves before the concern is saved
    assert all(email.status == "queued" for email in Email.objects.all())
    for callback in callbacks:
        callback()
    to_manager, to_lead = sorted(mail.outbox, key=lambda m: m.to[0] != "team-manager@example.test")
    assert to_manager.to == ["team-manager@example.test"] and to_lead.to == ["qa-lead@example.test"]
    assert to_manager.subject == "A safeguarding concern needs your response today"
    # Neither the child's id nor anything the auditor typed leaves the authority's systems.
    for email in mail.outbox:
        assert people.own_case.child_id not in email.subject + email.body
        assert DESCRIPTION not in email.body
        assert f"/concerns/{concern.pk}/" in email.body
    assert "needs a response today" in to_manager.body
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}
    assert set(concern.notified.all()) == {people.team_manager, people.qa_lead}
    # Each is told in the app as well.
    assert Notification.objects.get(recipient=people.team_manager).link == f"/concerns/{concern.pk}/"
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
    text = "".join(m.subject + m.body for m in mail.outbox)
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
    assert sorted(m.to[0] for m in mail.outbox) == ["second@example.test", "team-manager@example.test"]


@pytest.mark.django_db(transaction=True)
def test_a_manager_with_an_email_address_the_page_says_emailed(client, people, audits):
    response = _raise_on_the_page(client, people.auditor, audits[0])
    assert "The concern is recorded and emailed to team-manager." in response.text
    assert "Act now" not in response.text and "Phone the team manager" not in response.text
    told = response.context["escalation"].told
    assert [(t.person, t.is_manager, t.emailed) for t in told] == [
        (people.team_manager, True, True),
        (people.qa_lead, False, True),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_manager_without_an_email_address_the_auditor_is_told_to_phone(client, people, audits):
    people.team_manager.email = ""
    people.team_manager.save()
    response = _raise_on_the_page(client, people.auditor, audits[0])
    assert "Act now" in response.text
    assert "no team manager has been emailed: the team manager has no email address" in response.text
    assert "Phone the team manager or the duty team now" in response.text
    assert "No: no email address" in response.text
    concern = SafeguardingConcern.objects.get()
    # The manager still has it in the app; the QA lead is told nobody could be emailed.
    assert Notification.objects.filter(recipient=people.team_manager, about_id=str(concern.pk)).exists()
    [email] = mail.outbox
    assert email.to == ["qa-lead@example.test"]
    assert email.subject == "A safeguarding concern has no team manager to email"
    assert "No team manager could be emailed" in email.body


@pytest.mark.django_db(transaction=True)
def test_no_manager_at_all_the_auditor_is_told_to_phone(client, people, audits):
    people.team_manager.staff = None
    people.team_manager.save()
    response = _raise_on_the_page(client, people.auditor, audits[0])
    assert "this case has no team manager with an account" in response.text
    assert "Phone the team manager or the duty team now" in response.text
    concern = SafeguardingConcern.objects.get()
    assert list(concern.notified.all()) == [people.qa_lead]


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_says_so_and_the_email_goes_when_it_is_back(client, people, audits, monkeypatch):
    with monkeypatch.context() as patch:
        _mail_server_down(patch)
        response = _raise_on_the_page(client, people.auditor, audits[0])
    assert "the mail server did not accept the email. It will be tried again" in response.text
    assert "Phone the team manager or the duty team now" in response.text
    assert "ConnectionRefusedError: Connection refused" in response.text
    assert not mail.outbox
    concern = SafeguardingConcern.objects.get()
    assert list(concerns_visible_to(people.team_manager)) == [concern] and concern.is_open
    failed = Email.objects.get(recipient=people.team_manager)
    assert (failed.status, failed.attempts) == ("failed", 1)
    # The server is back: the next run of the outbox, once the wait is over, sends it.
    later = failed.next_attempt_at + timedelta(seconds=1)
    deliver_due(now=later)
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.last_error.startswith("ConnectionRefusedError")
    assert sorted(m.to[0] for m in mail.outbox) == ["qa-lead@example.test", "team-manager@example.test"]
    page = client.get(reverse("improvement:detail", args=[concern.pk]))
    assert "Phone the team manager" not in page.text and "Sent" in page.text


def test_the_auditor_who_raised_it_is_told_of_the_response(
    people, audits, django_capture_on_commit_callbacks
):
    concern = _raise(audits[0], people.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        respond_to_concern(concern, response="Visited today.", acting_user=people.team_manager)
    note = Notification.objects.get(recipient=people.auditor)
    assert note.kind == "concern-answered" and note.link == f"/concerns/{concern.pk}/"
    [email] = [m for m in mail.outbox if m.to == ["auditor@example.test"]]
    assert email.subject == "Your safeguarding concern has a response"


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


def _command(*args: str) -> str:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("concerns", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_command_raises_a_concern_and_says_who_really_has_it(people, audits):
    said = _command("raise", str(audits[0].pk), "--description", DESCRIPTION, "--as", "auditor")
    concern = SafeguardingConcern.objects.get()
    emailed = "The concern is recorded and emailed to team-manager. The QA lead is told too."
    assert said == f"Concern {concern.pk}: {emailed}\n"
    people.team_manager.email = ""
    people.team_manager.save()
    said = _command("raise", str(audits[0].pk), "--description", DESCRIPTION, "--as", "auditor")
    assert "no team manager has been emailed" in said and "Phone the team manager" in said


@pytest.mark.django_db(transaction=True)
def test_the_command_lists_the_waiting_first_and_the_manager_answers(people, audits):
    from django.core.management import CommandError

    answered = _raise(audits[0], people.auditor)
    respond_to_concern(answered, response="Visited today", acting_user=people.team_manager)
    waiting = _raise(audits[0], people.auditor)
    listed = _command("list", "--as", "qa-lead").splitlines()
    assert listed[0].startswith(f"{waiting.pk}\t{people.own_case.child_id}\t")
    assert "waiting for the manager" in listed[0] and "answered" in listed[1]
    with pytest.raises(CommandError, match=f"no concern {waiting.pk} that outsider may see"):
        _command("respond", str(waiting.pk), "--response", "x", "--as", "outsider")
    said = _command("respond", str(waiting.pk), "--response", "Strategy meeting held", "--as", "team-manager")
    assert said == f"Concern {waiting.pk} is answered and closed; whoever raised it is told.\n"
    waiting.refresh_from_db()
    assert waiting.response == "Strategy meeting held"
