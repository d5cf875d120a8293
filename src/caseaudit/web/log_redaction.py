"""A logging filter that takes the secret out of the single-use links before a line is written.

The feedback form (/feedback/TOKEN/) and the page to choose a password (/set-password/UID/TOKEN/) are
opened by their link alone: whoever reads the token in a log could answer a child's feedback, or take over
a new account. Django logs request paths in several places (the development server's request log, a
warning for each 404 and an error for each 500), so every handler caseaudit configures has this filter,
and the paths come out as /feedback/[token]/ and /set-password/[link]/ (caseaudit.core.secret_links)."""

from __future__ import annotations

import logging

from caseaudit.core.secret_links import redact_text


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed call: logging reports it itself
        redacted = redact_text(message)
        if redacted != message:
            # The message is formatted here, once, so that no argument can carry the token past the filter.
            record.msg, record.args = redacted, ()
        return True
