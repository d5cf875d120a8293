"""The web server's request line: what was asked and answered, without a query string or a link's secret."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from caseaudit.core.secret_links import redact_path
from caseaudit.serving.request_log import request_line


def _line(path: str, **overrides) -> str:
    fields = {
        "client": "192.0.2.7",
        "method": "GET",
        "path": path,
        "status": "200",
        "sent": 1234,
        "took": timedelta(milliseconds=52),
    } | overrides
    return request_line(**fields)


def test_the_line_says_who_asked_what_and_how_it_was_answered():
    assert _line("/cases/") == '192.0.2.7 "GET /cases/" 200 1234 52ms'
    head = _line("/audits/3/", method="HEAD", status="404", sent=None)
    assert head.endswith('"HEAD /audits/3/" 404 - 52ms')


def test_the_links_the_service_sends_are_redacted():
    """The service's real addresses, so that moving a link's URL without teaching `redact_path` fails."""
    feedback = reverse("feedback:form", args=["s3cret-f33dback"])
    password = reverse("password:choose", args=["MTI", "s3cret-passw0rd"])
    assert redact_path(feedback) == "/feedback/[token]/"
    assert "s3cret" not in _line(feedback) + _line(password)
    assert '"GET /set-password/[link]/"' in _line(password)


def test_nothing_in_a_path_can_forge_a_second_line_or_a_field():
    line = _line('/cases/\n127.0.0.1 "GET /admin/" 200')
    assert "\n" not in line
    assert line.count('"') == 2
