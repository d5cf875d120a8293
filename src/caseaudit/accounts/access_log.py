from __future__ import annotations

from . import log_writer
from .models import AccessLog, User


def record_access(
    user: object,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: str = "",
) -> AccessLog:
    """Record a read of children's data by `user`: a person, or anyone else (the command line's SYSTEM
    actor, an anonymous visitor), recorded as no one. The entry names the client's address (a page) or the
    operating-system account (a command), and joins the log's hash chain (`log_writer`); it is never lost
    and never fails the page, even when the log is busy or the page's transaction rolls back."""
    person = user if isinstance(user, User) else None
    entry = AccessLog(
        user=person,
        username=person.username if person else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )
    log_writer.append(entry, kept_if_rolled_back=True)
    return entry
