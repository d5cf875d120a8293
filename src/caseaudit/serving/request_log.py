"""The web server's request log (gunicorn's "access log"; not the service's access log of reads, which is
`caseaudit.accounts.access_log`): one line a request, on stderr, with the client's address, the method, the
path, the status, the bytes sent and how long it took.

The path is written without its query string, which may hold what a log must not keep (a `next=` address,
a search a person typed), and through `redact_path`, so a feedback or password link's token never reaches
the log. Nor does the line keep the Referer (another page's address, query string and all) or the
User-Agent."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from gunicorn import glogging

from caseaudit.core.secret_links import redact_path

# Characters a path may show as they are; anything else (spaces, quotes, control characters, a line
# break that would forge a second line) is percent-encoded.
_SHOWN = "/:@!$&'()*+,;=-._~[]"


def request_line(
    *, client: str, method: str, path: str, status: str, sent: int | None, took: timedelta
) -> str:
    """`path` is the WSGI PATH_INFO: decoded, without the query string."""
    shown = quote(redact_path(path).encode("latin-1", "backslashreplace"), safe=_SHOWN)
    milliseconds = round(took / timedelta(milliseconds=1))
    size = "-" if sent is None else str(sent)
    return f'{client} "{quote(method, safe="")} {shown}" {status} {size} {milliseconds}ms'


class RequestLogger(glogging.Logger):
    """gunicorn's logger, with caseaudit's request line instead of gunicorn's format."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if cfg.accesslog == "-":
            # gunicorn writes "-" to stdout; a server's log goes to stderr, with its other messages.
            fmt = logging.Formatter("%(asctime)s %(message)s", self.datefmt)
            self._set_handler(self.access_log, "-", fmt, stream=sys.stderr)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        try:
            status = str(resp.status).split(None, 1)[0]
            line = request_line(
                client=environ.get("REMOTE_ADDR") or "-",
                method=environ.get("REQUEST_METHOD", "-"),
                path=environ.get("PATH_INFO", ""),
                status=status,
                sent=getattr(resp, "sent", None),
                took=request_time,
            )
            self.access_log.info("%s", line)
        except Exception:
            self.error(traceback.format_exc())
