"""A log never keeps the secret in a feedback or password link's path."""

from __future__ import annotations

import pytest

from caseaudit.core.secret_links import redact_path, redact_text


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/feedback/Zm9vYmFyLXNlY3JldA/", "/feedback/[token]/"),
        ("/feedback/Zm9vYmFyLXNlY3JldA", "/feedback/[token]/"),  # before the slash is added
        ("/set-password/MTI/c3k5a8-0123456789abcdef/", "/set-password/[link]/"),
        ("/set-password/MTI/choose/", "/set-password/[link]/"),  # the page the link moves to
        # A mangled link answers 404, but its token is as real as ever.
        ("//Feedback/Zm9vYmFy/", "/feedback/[token]/"),
        ("/%66eedback/Zm9vYmFy/", "/feedback/[token]/"),
        ("/FEEDBACK/Zm9vYmFy/extra", "/feedback/[token]/"),
    ],
)
def test_a_secret_link_is_logged_without_its_secret(path, logged):
    assert redact_path(path) == logged


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/audits/12/feedback/", "/feedback/", "/feedbacks/x/"])
def test_other_paths_are_logged_as_they_are(path):
    assert redact_path(path) == path


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Not Found: /feedback/abc123/", "Not Found: /feedback/[token]/"),
        (
            "sent https://audits.example.gov.uk/feedback/abc123/ to a carer",
            "sent https://audits.example.gov.uk/feedback/[token]/ to a carer",
        ),
        ('"GET /Set-Password/MTI/c3k5a8-01/ HTTP/1.1"', '"GET /set-password/[link]/ HTTP/1.1"'),
        ("Not Found: /audits/5/feedback/paper/", "Not Found: /audits/5/feedback/paper/"),
    ],
)
def test_a_line_of_text_is_written_with_each_link_as_its_path_would_be(text, written):
    assert redact_text(text) == written
