"""The mail server from the environment: either one EMAIL_URL or Django's usual variables."""

from __future__ import annotations

import pytest

from caseaudit.mail_config import CONSOLE, SMTP, MailConfigError, mail_settings


def test_nothing_set_prints_emails_to_the_console():
    found = mail_settings({})
    assert found["EMAIL_BACKEND"] == CONSOLE
    assert found["DEFAULT_FROM_EMAIL"] == "caseaudit@localhost"
    assert found["EMAIL_TIMEOUT"] == 10


def test_an_email_url_with_starttls():
    found = mail_settings(
        {
            "EMAIL_URL": "smtp+tls://audits%40council.gov.uk:p%40ss@smtp.council.gov.uk",
            "DEFAULT_FROM_EMAIL": "a@b.uk",
        }
    )
    assert found == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "smtp.council.gov.uk",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "audits@council.gov.uk",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "a@b.uk",
        "EMAIL_TIMEOUT": 10,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://relay.internal", 25, False, False),
        ("smtp://relay.internal:2525?tls=1", 2525, True, False),
        ("smtps://relay.internal", 465, False, True),
    ],
)
def test_schemes_choose_the_port_and_encryption(url, port, tls, ssl):
    found = mail_settings({"EMAIL_URL": url})
    assert (found["EMAIL_PORT"], found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (port, tls, ssl)


def test_the_usual_variables():
    found = mail_settings(
        {
            "EMAIL_HOST": "smtp.council.gov.uk",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "true",
            "EMAIL_HOST_USER": "u",
        }
    )
    assert (found["EMAIL_BACKEND"], found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_USE_TLS"]) == (
        SMTP,
        "smtp.council.gov.uk",
        587,
        True,
    )
    assert found["EMAIL_HOST_USER"] == "u"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMAIL_URL": "imap://x"}, "must start smtp://"),
        ({"EMAIL_URL": "smtp://"}, "no mail server host"),
        ({"EMAIL_HOST": "x", "EMAIL_PORT": "twenty-five"}, "must be a number"),
        ({"EMAIL_HOST": "x", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "not both"),
    ],
)
def test_a_setting_that_cannot_work_stops_the_server(environ, message):
    with pytest.raises(MailConfigError, match=message):
        mail_settings(environ)
