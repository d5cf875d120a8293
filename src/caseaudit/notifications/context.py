from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from caseaudit.accounts.models import User

from .models import Notification


def unread(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """The count in the header: a callable, so that pages that do not show the header never query it."""
    user = getattr(request, "user", None)

    def count() -> int:
        if not isinstance(user, User):
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": count}
