"""Sessions in the database, as Django keeps them, except that a page never fails because the database is
busy when all it has to write is a change to a session that already exists (the time of the person's last
request, which `sessions.why_ended` moves on once a minute). On SQLite, a long register import holds the
database's write lock for minutes: the session keeps its earlier state, and the next request writes it.

A new session (signing in) is still written or fails: there is nothing earlier to keep."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction

from caseaudit.accounts.busy import is_busy, short_waits

logger = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create)
        try:
            with short_waits(transaction.get_connection()):
                return super().save(must_create)
        except UpdateError as refused:
            # Only a busy database: a session deleted meanwhile (signed out everywhere) is still refused.
            if not is_busy(refused.__context__):
                raise
            logger.warning("The database was busy: a session change waits for the next request.")
            return None
