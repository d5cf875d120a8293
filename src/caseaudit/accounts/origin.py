"""Where the request being served comes from, for the access log and the security log: the client's address
for a web request, the operating-system account for a command. Set once at the edge (the web middleware,
`caseaudit.signin.log_origin`; the `caseaudit` command, `caseaudit.cli`) and read by the log writer, so the
many places that record an entry need not pass it along.

A context variable, not a thread-local: each request (thread or task) sees its own. Plain Python: the
command sets it before Django starts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    address: str | None = None  # the client's, for a web request
    os_user: str = ""  # the operating-system account, for a command


NOWHERE = Origin()  # frozen, so one default serves every context
_current: ContextVar[Origin] = ContextVar("caseaudit_log_origin", default=NOWHERE)


def current() -> Origin:
    return _current.get()


@contextmanager
def web_request(address: str | None) -> Iterator[None]:
    token = _current.set(Origin(address=address))
    try:
        yield
    finally:
        _current.reset(token)


def command_run_by(os_user: str) -> None:
    """For the rest of this process (a command runs once and exits), entries name `os_user`."""
    _current.set(Origin(os_user=os_user))
