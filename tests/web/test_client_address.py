"""Where a request came from, with and without the reverse proxy (CASEAUDIT_BEHIND_PROXY), and what that
means for HTTPS and for the lockout after failed sign-ins."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from caseaudit.accounts.models import Role
from caseaudit.signin.models import Lockout
from caseaudit.web.client import client_address
from tests.factories import PASSWORD, make_user

from ..signin.conftest import sign_in

OFFICE, ELSEWHERE, PROXY = "192.0.2.10", "198.51.100.7", "10.0.0.2"
LOCKED = "Too many failed attempts."
HOST = "audits.example.gov.uk"


@pytest.fixture
def behind_proxy(settings):
    """The production profile behind a proxy that terminates HTTPS."""
    settings.CASEAUDIT_BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000  # sent only on a request Django knows came over HTTPS


def address(**meta: str) -> str | None:
    return client_address(RequestFactory().get("/", **meta))


def test_without_a_proxy_the_connection_s_address_counts_and_forwarded_headers_are_ignored():
    assert address(REMOTE_ADDR=OFFICE) == OFFICE
    assert address(REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=ELSEWHERE) == OFFICE


def test_behind_the_proxy_the_address_it_appended_counts_not_what_the_client_wrote(behind_proxy):
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE) == OFFICE
    # A client sends its own X-Forwarded-For; the proxy appends the real address on the right.
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}") == OFFICE
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8::1") == "2001:db8::1"
    # Nothing usable: no address, rather than the proxy's (which would lock out everyone at once).
    assert address(REMOTE_ADDR=PROXY) is None
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{OFFICE}, not-an-address") is None


@pytest.mark.django_db
def test_a_forged_left_most_address_does_not_dodge_the_lockout(client, behind_proxy):
    make_user(Role.AUDITOR, "ada")
    for attempt in range(20):
        forged = f"203.0.113.{attempt}, {OFFICE}"
        sign_in(
            client, f"user-{attempt}", "guess", HTTP_X_FORWARDED_FOR=forged, HTTP_X_FORWARDED_PROTO="https"
        )
    assert Lockout.objects.filter(kind="address", key=OFFICE).exists()
    refused = sign_in(
        client, "ada", HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}", HTTP_X_FORWARDED_PROTO="https"
    )
    assert LOCKED in refused.content.decode()
    # Someone at another address, behind the same proxy, signs in as usual.
    let_in = sign_in(client, "ada", HTTP_X_FORWARDED_FOR=ELSEWHERE, HTTP_X_FORWARDED_PROTO="https")
    assert let_in.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_https_pages_are_served_and_forms_accepted_without_a_redirect_loop(
    behind_proxy, settings
):
    settings.ALLOWED_HOSTS = [HOST]
    make_user(Role.AUDITOR, "ada")
    # What the proxy passes on: the host asked for, the scheme, and the client's address.
    client = Client(
        enforce_csrf_checks=True, HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR=OFFICE
    )
    page = client.get(reverse("login"))
    assert page.status_code == 200
    # Django's CSRF origin check compares the Origin with the request's scheme, which the proxy told it.
    signed_in = client.post(
        reverse("login"),
        {"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": page.context["csrf_token"]},
        HTTP_ORIGIN=f"https://{HOST}",
    )
    assert signed_in.status_code == 302 and not signed_in["Location"].startswith("https://")
    assert "Strict-Transport-Security" in client.get(reverse("home")).headers


@pytest.mark.django_db
def test_plain_http_is_still_redirected_to_https(client, behind_proxy):
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db
def test_without_the_proxy_setting_a_client_cannot_claim_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")
