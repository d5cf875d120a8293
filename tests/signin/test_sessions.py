"""A session ends after 30 minutes without a request, and 12 hours after signing in; "Sign out
everywhere" ends every session of the person."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.signin.models import SignedInSession
from caseaudit.signin.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.factories import make_user

from .conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    lead = make_user(Role.QA_LEAD, "lead")
    sign_in(client, "lead")
    return lead


def _move(client, key: str, seconds_ago: float) -> None:
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


def test_twenty_nine_idle_minutes_keep_the_session(client, lead):
    _move(client, LAST_SEEN, 29 * 60)
    assert client.get(reverse("cases:list")).status_code == 200


def test_thirty_idle_minutes_sign_the_person_out_and_say_why(client, lead):
    _move(client, LAST_SEEN, 31 * 60)
    response = client.get(reverse("cases:list"))
    assert response.url == reverse("login")
    page = client.get(response.url).content.decode()
    assert "You were signed out after 30 minutes without activity" in page
    assert "govuk-notification-banner" in page
    assert client.get(reverse("cases:list")).url.startswith(reverse("login"))


def test_the_idle_time_is_a_setting(client, lead, settings):
    settings.CASEAUDIT_IDLE_MINUTES = 10
    _move(client, LAST_SEEN, 11 * 60)
    client.get(reverse("cases:list"))
    assert "after 10 minutes without activity" in client.get(reverse("login")).content.decode()


def test_activity_keeps_the_session_but_twelve_hours_end_it(client, lead):
    _move(client, SIGNED_IN_AT, 11 * 3600)
    assert client.get(reverse("cases:list")).status_code == 200
    _move(client, SIGNED_IN_AT, 12 * 3600 + 60)
    assert client.get(reverse("cases:list")).url == reverse("login")
    assert "signed in more than 12 hours ago" in client.get(reverse("login")).content.decode()


def test_sign_out_everywhere_ends_another_clients_session(client, lead):
    laptop = Client()
    sign_in(laptop, "lead")
    assert laptop.get(reverse("cases:list")).status_code == 200
    assert SignedInSession.objects.filter(user=lead).count() == 2
    page = client.get(reverse("signin:account")).content.decode()
    assert "In 2 places" in page and "Sign out everywhere" in page
    response = client.post(reverse("signin:sign-out-everywhere"), follow=True)
    assert "You are signed out everywhere (2 sessions ended)" in response.content.decode()
    assert laptop.get(reverse("cases:list")).url.startswith(reverse("login"))
    assert client.get(reverse("cases:list")).url.startswith(reverse("login"))
    assert not SignedInSession.objects.filter(user=lead).exists()
    assert ChangeEvent.objects.get(event="user.signed-out-everywhere").new == {"sessions ended": 2}


def test_signing_out_forgets_the_session(client, lead):
    assert SignedInSession.objects.filter(user=lead).count() == 1
    client.post(reverse("logout"))
    assert not SignedInSession.objects.filter(user=lead).exists()


def test_the_header_links_to_your_account(client, lead):
    page = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("signin:account")}">Your account</a>' in page
