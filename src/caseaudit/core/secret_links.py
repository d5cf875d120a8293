"""The addresses whose path holds a secret, and how to write them in a log without it.

A feedback link (`/feedback/<token>/`) is all a child, young person or carer needs to open their form; a
password link (`/set-password/<uidb64>/<token>/`) lets whoever holds it choose a new member of staff's
password. Whoever reads a log that kept these paths could use them, so the web server's request log writes
every path through `redact_path`, and Django's own logging every message through `redact_text`
(caseaudit.web.log_redaction). Plain Python, so that both share one list of the secret links."""

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


# In a line of text, a secret link's path starts a word, or follows a scheme and host
# (/audits/5/feedback/paper/ is no secret link); it runs to the next space, quote, query or fragment.
_IN_TEXT = re.compile(
    r"""((?:^|[\s"'(=])|https?://[^/\s"']+)/+(feedback|set-password)/+[^\s?#"']+""", re.IGNORECASE
)


def redact_text(text: str) -> str:
    """`text` (a log message, which may quote a path or a whole address) with every secret link written
    as `redact_path` writes it."""
    return _IN_TEXT.sub(lambda m: f"{m[1]}/{m[2].lower()}/{_PLACEHOLDERS[m[2].lower()]}/", text)
