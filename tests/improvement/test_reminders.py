"""Reminders: one message per owner, in the app and by email, listing what is overdue or due within 7
days; once a day at most; nothing for done, verified or cancelled actions; no Child Unique ID in the
subject."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from caseaudit.accounts.models import ChangeEvent
from caseaudit.improvement.models import Action
from caseaudit.improvement.reminders import send_action_reminders
from caseaudit.notifications.models import Email, Notification
from caseaudit.notifications.outbox import deliver_due
from caseaudit.policy import SYSTEM

from .conftest import days, make_action


def _reminded():
    return ChangeEvent.objects.filter(event="user.reminded")


@pytest.fixture
def owners(personas):
    personas.worker.email = "worker@example.test"
    personas.team_manager.email = "manager@example.test"
    personas.worker.save()
    personas.team_manager.save()
    return personas


def test_each_owner_gets_one_email_listing_overdue_and_due_soon(owners, cycle):
    p = owners
    overdue = make_action(p.own_case, p.worker, due_in=-5)
    soon = make_action(p.own_case, p.worker, due_in=7, status="in-progress")
    make_action(p.own_case, p.worker, due_in=8)  # not yet due soon
    for status in ("done", "verified", "cancelled"):
        make_action(p.own_case, p.worker, due_in=-1, status=status)
    managers = make_action(p.own_case, p.team_manager, due_in=0)
    outsiders = make_action(p.other_case, p.outsider, due_in=-1)  # no email address: told in the app

    run = send_action_reminders(days(0), acting_user=SYSTEM, site_url="https://audits.example.test")
    assert (run.told, run.sent, run.failed, run.actions) == (3, 2, 0, 4)
    in_app = Notification.objects.get(recipient=p.outsider)
    assert in_app.text == "Your actions: 1 overdue." and in_app.email is None
    assert Action.objects.get(pk=outsiders.pk).last_reminded_on == days(0)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"worker@example.test", "manager@example.test"}
    worker = by_recipient["worker@example.test"]
    assert worker.subject == "Improvement tracker: 1 overdue and 1 due in the next 7 days"
    assert f"https://audits.example.test/actions/{overdue.pk}/" in worker.body
    assert f"/actions/{soon.pk}/" in worker.body and "5 days overdue" in worker.body
    assert worker.body.count("/actions/") == 2
    assert f"/actions/{managers.pk}/" in by_recipient["manager@example.test"].body
    for message in mail.outbox:
        assert p.own_case.child_id not in message.subject
        assert p.own_case.child_id not in message.body and "pathway plan" not in message.body


def test_a_second_run_on_the_same_day_sends_nothing(owners):
    action = make_action(owners.own_case, owners.worker, due_in=-1)
    send_action_reminders(days(0), acting_user=SYSTEM)
    assert len(mail.outbox) == 1
    event = _reminded().get()
    assert (event.event, event.actor_name, event.subject_type, event.subject_id, event.new) == (
        "user.reminded",
        "system",
        "user",
        str(owners.worker.pk),
        {"actions": [action.pk], "reminded_on": days(0).isoformat()},
    )
    again = send_action_reminders(days(0), acting_user=SYSTEM)
    assert again.sent == 0 and len(mail.outbox) == 1
    assert _reminded().count() == 1  # nothing due, nothing changed, nothing recorded
    assert Action.objects.get(pk=action.pk).last_reminded_on == days(0)
    # The next day it is chased again.
    send_action_reminders(days(1), acting_user=SYSTEM)
    assert len(mail.outbox) == 2


def test_the_command_dry_run_sends_nothing_and_marks_nothing(owners, capsys):
    action = make_action(owners.own_case, owners.worker, due_in=3)
    call_command("send_action_reminders", "--as-of", days(0).isoformat(), "--dry-run")
    assert "Would remind 1 owner(s) about 1 action(s)" in capsys.readouterr().out
    assert not mail.outbox and Action.objects.get(pk=action.pk).last_reminded_on is None
    call_command("send_action_reminders", "--as-of", days(0).isoformat())
    assert "Reminded 1 owner(s) about 1 action(s)" in capsys.readouterr().out and len(mail.outbox) == 1


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("send_action_reminders", "--as-of", "31/02/2027")


def test_a_refused_email_waits_in_the_outbox_and_the_command_says_so(owners, monkeypatch, capsys):
    action = make_action(owners.own_case, owners.worker, due_in=-1)

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken)
        with pytest.raises(CommandError, match="wait in the outbox"):
            call_command("send_action_reminders", "--as-of", days(0).isoformat())
    # Reminded in the app, so not again today; the email goes when the outbox tries again.
    assert Action.objects.get(pk=action.pk).last_reminded_on == days(0)
    email = Email.objects.get()
    assert (email.status, email.to) == ("failed", "worker@example.test")
    deliver_due(now=email.next_attempt_at)
    assert [m.to for m in mail.outbox] == [["worker@example.test"]]


def test_only_the_qa_lead_or_the_system_sends_reminders(owners):
    make_action(owners.own_case, owners.worker, due_in=-1)
    with pytest.raises(CommandError, match="Only the QA lead may send"):
        call_command("send_action_reminders", "--as", "worker")
    assert not mail.outbox and not _reminded().exists()
    call_command("send_action_reminders", "--as", "qa-lead")
    assert len(mail.outbox) == 1 and _reminded().get().actor == owners.qa_lead


def test_no_reminder_about_an_action_of_an_audit_still_being_written(owners, cycle):
    """The owner hears of an audit's action once the audit is submitted, not from a reminder before."""
    audit = cycle.audits.get(case=owners.own_case)
    Action.objects.create(
        audit=audit, case=audit.case, team=audit.case.team, description="Draft.", owner=owners.worker,
        due_on=days(-1),
    )  # fmt: skip
    assert send_action_reminders(days(0), acting_user=SYSTEM).sent == 0 and not mail.outbox
    audit.submitted_at = timezone.now()
    audit.save(update_fields=["submitted_at"])
    assert send_action_reminders(days(0), acting_user=SYSTEM).sent == 1
