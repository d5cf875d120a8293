"""The addresses whose path holds a secret, and how to write them in a log without it.

A feedback link (`/feedback/<token>/`) is all a child, young person or carer needs to open their form; a
password link (`/set-password/<uidb64>/<token>/`) lets whoever holds it choose a new member of staff's
password. Whoever reads a log that kept these paths could use them, so a log writes every path through
`redact_path`. Plain Python, so that the web server's request log and Django's own logging can share it."""

from __future__ import annotations

import re
from urllib.parse import unquote

# Everything after these prefixes is secret (the password link's first part names the member of staff, too).
_PLACEHOLDERS = {"feedback": "[token]", "set-password": "[link]"}
# Case and repeated slashes do not matter: a mistyped or mangled link that answers 404 still holds a real
# token, and it is the log, not the router, that must not keep it.
_SECRET = re.compile(r"^/+(feedback|set-password)/+(?=.)", re.IGNORECASE)


def redact_path(path: str) -> str:
    """`path` as it may be written in a log: `/feedback/<token>/` becomes `/feedback/[token]/` and
    `/set-password/<uidb64>/<token>/` (or its "choose" page) becomes `/set-password/[link]/`; any other
    path is returned unchanged. A percent-encoded prefix is recognised as the router would decode it.
    Takes the path alone: a query string is never logged."""
    match = _SECRET.match(path) or _SECRET.match(unquote(path))
    if match is None:
        return path
    prefix = match[1].lower()
    return f"/{prefix}/{_PLACEHOLDERS[prefix]}/"
