"""The outbox: an email is written with the change, sent after the commit, retried with back-off while
the server refuses it, and called sent only once the server took it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from caseaudit.notifications.models import Email, Kind, Notification
from caseaudit.notifications.notify import Message, notify
from caseaudit.notifications.outbox import BACK_OFF_MINUTES, deliver, deliver_due, queue_email

from ..factories import Role, make_user

pytestmark = pytest.mark.django_db


def _refusing(monkeypatch):
    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)


def test_an_email_goes_after_the_commit_and_not_if_the_change_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = queue_email("a@example.test", "Hello", "Body", kind=Kind.ACCOUNT)
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.sent_at is not None and len(mail.outbox) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email("b@example.test", "Hello", "Body", kind=Kind.ACCOUNT)
        raise RuntimeError("the change failed")
    assert not Email.objects.filter(to="b@example.test").exists() and len(mail.outbox) == 1


def test_a_refused_email_waits_longer_each_time_then_gives_up(monkeypatch):
    _refusing(monkeypatch)
    email = queue_email("a@example.test", "Hello", "Body", kind=Kind.ACCOUNT, send_after_commit=False)
    now = timezone.now()
    waits = []
    for _ in range(len(BACK_OFF_MINUTES) + 1):
        tried = deliver(email.pk, now=now)
        assert tried is not None and tried.status == "failed"
        assert tried.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
        if tried.next_attempt_at is None:
            break
        waits.append(round((tried.next_attempt_at - now).total_seconds() / 60))
        # Not due before its wait is over.
        assert deliver(email.pk, now=tried.next_attempt_at - timedelta(seconds=1)) is None
        now = tried.next_attempt_at
    assert waits == list(BACK_OFF_MINUTES)
    email.refresh_from_db()
    assert email.gave_up and email.attempts == len(BACK_OFF_MINUTES) + 1
    assert email.describe().endswith(f"Gave up after {email.attempts} tries")
    assert list(deliver_due(now + timedelta(days=7))) == []


def test_an_email_is_sent_once_even_when_two_workers_try(django_capture_on_commit_callbacks):
    email = queue_email("a@example.test", "Hello", "Body", kind=Kind.ACCOUNT, send_after_commit=False)
    assert deliver(email.pk) is not None
    assert deliver(email.pk) is None and deliver_due() == []
    assert len(mail.outbox) == 1


def test_an_email_lost_mid_send_is_tried_again_later():
    email = queue_email("a@example.test", "Hello", "Body", kind=Kind.ACCOUNT, send_after_commit=False)
    claimed_at = timezone.now() - timedelta(minutes=11)
    Email.objects.filter(pk=email.pk).update(status="sending", next_attempt_at=claimed_at)
    assert [e.status for e in deliver_due()] == ["sent"]


def test_the_command_sends_what_is_due_and_fails_while_the_server_refuses(monkeypatch, capsys):
    queue_email("a@example.test", "Hello", "Body", kind=Kind.ACCOUNT, send_after_commit=False)
    with monkeypatch.context() as patch:
        _refusing(patch)
        with pytest.raises(SystemExit) as exit:
            call_command("send_email")
    assert exit.value.code == 1
    out = capsys.readouterr()
    assert "Not sent to a@example.test" in out.err and "0 sent, 1 not sent; 1 waiting" in out.out
    Email.objects.update(next_attempt_at=timezone.now())
    call_command("send_email")
    assert "1 sent, 0 not sent; 0 waiting" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_notify_tells_in_the_app_and_emails_unless_the_person_chose_the_app_only(
    django_capture_on_commit_callbacks,
):
    from caseaudit.notifications.actions import choose_email

    person = make_user(Role.AUDITOR, "ada")
    person.email = "ada@example.test"
    person.save()
    message = Message(
        kind=Kind.AUDIT_RETURNED,
        text="Audit of A1 returned.",
        link="/audits/1/",
        subject="An audit is returned",
        body="Read it:",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(person, message)
    assert first.email is not None and mail.outbox[0].body.endswith("/audits/1/\n")
    assert choose_email(person, email=False) and not choose_email(person, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        second = notify(person, message)
        # Safeguarding is emailed whatever the person chose.
        third = notify(
            person, Message(kind=Kind.CONCERN_RAISED, text="Concern.", subject="A concern", body=".")
        )
    assert second.email is None and third.email is not None
    assert Notification.objects.filter(recipient=person).count() == 3 and len(mail.outbox) == 2


def test_nobody_inactive_is_told_and_nobody_without_an_address_is_emailed():
    gone = make_user(Role.AUDITOR, "gone")
    gone.is_active, gone.email = False, "gone@example.test"
    gone.save()
    message = Message(kind=Kind.ACTION_ASSIGNED, text="An action.", subject="An action", body=".")
    assert notify(gone, message) is None
    no_address = make_user(Role.AUDITOR, "no-address")
    assert notify(no_address, message).email is None and not Email.objects.exists()
