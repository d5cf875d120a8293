"""A logging filter that takes the secret out of the single-use links before a line is written.

The feedback form (/feedback/TOKEN/) and the page to choose a password (/set-password/UID/TOKEN/) are
opened by their link alone: whoever reads the token in a log could answer a child's feedback, or take over
a new account. Django logs request paths in several places (the development server's request log, a
warning for each 404 and an error for each 500), so every handler caseaudit configures has this filter,
and the paths come out as /feedback/[token]/ and /set-password/[uid]/[token]/."""

from __future__ import annotations

import logging
import re

# A path at the start of a word, or after a scheme and host: /audits/5/feedback/paper/ is no secret link.
_START = r"""((?:^|[\s"'(=])|https?://[^/\s"']+)"""
_PART = r"""[^/\s?#"']+"""
_SECRET_LINKS = [
    (re.compile(_START + "/feedback/" + _PART), r"\1/feedback/[token]"),
    (re.compile(_START + "/set-password/" + _PART + "/" + _PART), r"\1/set-password/[uid]/[token]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_LINKS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed call: logging reports it itself
        redacted = redact(message)
        if redacted != message:
            # The message is formatted here, once, so that no argument can carry the token past the filter.
            record.msg, record.args = redacted, ()
        return True
