from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import AccessLog, User


def record_access(
    user: User | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        user=user if isinstance(user, User) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
    )
