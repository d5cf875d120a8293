"""A new person opens their link, chooses a password, and is signed in."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.people import actions
from caseaudit.policy import SYSTEM

from .helpers import fields


def _link(user_fields=None) -> tuple[User, str]:
    sent = actions.add_account(user_fields or fields(), acting_user=SYSTEM, site_url="http://testserver")
    return sent.user, sent.url.removeprefix("http://testserver")


def test_the_link_lets_the_person_choose_a_password_and_signs_them_in(client, personas):
    nia, link = _link()
    moved = client.get(link)
    # The token leaves the address at once: the page that asks for the password has none.
    assert moved.status_code == 302 and moved["Referrer-Policy"] == "no-referrer"
    choose = moved["Location"]
    assert choose == f"/set-password/{link_uid(nia)}/choose/"
    page = client.get(choose)
    assert "Choose your password" in page.text and "nia" in page.text
    done = client.post(
        choose,
        {"new_password1": "a long and unusual passphrase", "new_password2": "a long and unusual passphrase"},
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").wsgi_request.user == nia
    nia.refresh_from_db()
    assert nia.check_password("a long and unusual passphrase")


def link_uid(user: User) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk))


def test_a_weak_password_is_refused_and_never_written_back(client, personas):
    _, link = _link()
    link = client.get(link)["Location"]
    page = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert page.status_code == 200 and "There is a problem" in page.text
    assert 'value="password"' not in page.text


def test_a_used_link_says_so_and_whom_to_ask(client, personas):
    _, link = _link()
    client.post(
        client.get(link)["Location"],
        {"new_password1": "a long and unusual passphrase", "new_password2": "a long and unusual passphrase"},
    )
    client.logout()
    gone = client.get(link)
    assert gone.status_code == 404 and "This link no longer works" in gone.text
    assert "Ask your QA lead, or the administrator" in gone.text


def test_a_link_older_than_72_hours_no_longer_works(client, personas, monkeypatch):
    _, link = _link()
    later = timezone.now() + timedelta(hours=73)
    monkeypatch.setattr(
        "django.contrib.auth.tokens.PasswordResetTokenGenerator._now", lambda self: later.replace(tzinfo=None)
    )
    assert client.get(link).status_code == 404


def test_a_deactivated_persons_link_no_longer_works(client, personas):
    nia, link = _link()
    choose = client.get(link)["Location"]
    actions.deactivate_account(nia, acting_user=SYSTEM)
    assert client.get(link).status_code == 404
    assert client.get(choose).status_code == 404


def test_the_page_without_a_link_in_the_session_does_not_open(client, personas):
    nia, _ = _link()
    assert client.get(f"/set-password/{link_uid(nia)}/choose/").status_code == 404
