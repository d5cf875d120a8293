"""The pages: a person's notifications, with the count in the header, opening one, marking all read, the
choice of email or the app only; and the QA lead's outbox, where a failed email can be sent again."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent
from caseaudit.notifications.models import Email, Kind, Notification
from caseaudit.notifications.notify import emails_wanted

pytestmark = pytest.mark.django_db


def _note(person, text="Audit of A1 returned with comments.", link="/audits/1/"):
    return Notification.objects.create(recipient=person, kind=Kind.AUDIT_RETURNED, text=text, link=link)


def test_the_header_counts_unread_notifications_and_the_list_shows_them(client, personas):
    _note(personas.auditor)
    _note(personas.auditor, "An action is given to you.")
    _note(personas.worker, "Not the auditor's.")
    client.force_login(personas.auditor)
    page = client.get(reverse("notifications:list"))
    assert '2<span class="govuk-visually-hidden"> unread</span>' in page.text
    assert "An action is given to you." in page.text and "Not the auditor" not in page.text


def test_opening_one_marks_it_read_and_goes_where_it_points(client, personas):
    note = _note(personas.auditor)
    client.force_login(personas.auditor)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/audits/1/"
    note.refresh_from_db()
    assert note.read_at is not None
    # Someone else's is not found; a link elsewhere on the internet is not followed.
    other = _note(personas.worker)
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    outside = _note(personas.auditor, link="https://evil.example/")
    assert client.post(reverse("notifications:open", args=[outside.pk])).url == reverse("notifications:list")


def test_mark_all_read_marks_only_mine(client, personas):
    _note(personas.auditor)
    theirs = _note(personas.worker)
    client.force_login(personas.auditor)
    page = client.post(reverse("notifications:mark-all-read"), follow=True)
    assert "1 notification marked as read." in page.text and "Nothing unread." in page.text
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_person_chooses_the_app_only_and_the_choice_is_recorded(client, personas):
    client.force_login(personas.auditor)
    url = reverse("notifications:settings")
    assert "always emailed" in client.get(url).text
    assert "Choose how you want to hear of new work" in client.post(url, {}).text
    page = client.post(url, {"email": "no"}, follow=True)
    assert "Your choice is saved." in page.text and not emails_wanted(personas.auditor)
    assert ChangeEvent.objects.get(event="notifications.email-chosen").new == {"email": False}


def test_the_qa_lead_sees_what_happened_to_each_email_and_sends_a_failed_one_again(
    client, personas, django_capture_on_commit_callbacks
):
    Email.objects.create(kind=Kind.ACCOUNT, to="sent@example.test", subject="Sent one", status="sent")
    failed = Email.objects.create(
        kind=Kind.CONCERN_RAISED,
        to="tm@example.test",
        subject="A safeguarding concern needs your response today",
        body="Read it.",
        status="failed",
        attempts=7,
        last_error="ConnectionRefusedError: refused",
    )
    client.force_login(personas.qa_lead)
    page = client.get(reverse("notifications:outbox"))
    assert "Gave up after 7 tries" in page.text and "Sent one" in page.text
    only_failed = client.get(reverse("notifications:outbox") + "?status=failed")
    assert "Sent one" not in only_failed.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:send-again", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "sent" and mail.outbox[0].to == ["tm@example.test"]
    assert ChangeEvent.objects.get(event="email.sent-again").subject_id == str(failed.pk)
    again = client.post(reverse("notifications:send-again", args=[failed.pk]), follow=True)
    assert "nothing to send again" in again.text
