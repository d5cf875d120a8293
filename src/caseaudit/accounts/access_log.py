from __future__ import annotations

from .models import AccessLog, User


def record_access(
    user: object,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: str = "",
) -> AccessLog:
    """Record a read of children's data by `user`: a person, or anyone else (the command line's SYSTEM
    actor, an anonymous visitor), recorded as no one."""
    person = user if isinstance(user, User) else None
    return AccessLog.objects.create(
        user=person,
        username=person.username if person else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
    )
