"""The single-use links (the feedback form's, the one to choose a password) never reach a log: every
handler caseaudit configures writes them as /feedback/[token]/ and /set-password/[link]/."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.urls import reverse

from caseaudit.core.secret_links import redact_text as redact
from caseaudit.web.log_redaction import RedactSecretLinks

TOKEN = "s3cret-Feedback_Token"


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the configured handlers write: the root's (where django.request's warnings and every app's
    lines go) and the development server's request log."""
    stream = io.StringIO()
    handlers = [
        handler
        for handler in [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]
        if any(isinstance(f, RedactSecretLinks) for f in handler.filters)
    ]
    assert len(handlers) == 2  # pytest adds handlers of its own, which are not ours to test
    before = [handler.setStream(stream) for handler in handlers]  # type: ignore[attr-defined]
    yield stream
    for handler, old in zip(handlers, before, strict=True):
        handler.setStream(old)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_404_for_a_feedback_link_is_logged_without_its_token(client, logged):
    response = client.get(f"/feedback/{TOKEN}/nothing-here/")
    assert response.status_code == 404
    log = logged.getvalue()
    assert "Not Found: /feedback/[token]/" in log
    assert TOKEN not in log


@pytest.mark.django_db
def test_the_link_to_choose_a_password_is_logged_without_its_token(client, logged):
    client.get(reverse("password:choose", args=["MQ", TOKEN]) + "more/")
    logging.getLogger("caseaudit").warning(
        "opened %s", f"https://audits.example.gov.uk/set-password/MQ/{TOKEN}/"
    )
    log = logged.getvalue()
    assert "/set-password/[link]/" in log
    assert TOKEN not in log and "/MQ/" not in log


def test_the_development_server_s_request_log_leaves_out_the_token(logged):
    # What runserver logs for each request (django.core.servers.basehttp.WSGIRequestHandler.log_message).
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /feedback/{TOKEN}/ HTTP/1.1", "200", "5120")
    log = logged.getvalue()
    assert '"GET /feedback/[token]/ HTTP/1.1" 200 5120' in log
    assert TOKEN not in log


def test_other_paths_are_left_as_they_are():
    assert redact("Not Found: /audits/5/feedback/paper/") == "Not Found: /audits/5/feedback/paper/"
    assert redact("Forbidden: /cases/12/") == "Forbidden: /cases/12/"
