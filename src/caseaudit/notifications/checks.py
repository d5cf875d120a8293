"""A production server with no mail server set would print every email to its log and send none: say so
when it starts (`caseaudit check --deploy` and every management command)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from caseaudit.mail_config import CONSOLE


@register()
def mail_server_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False):
        return []
    if settings.EMAIL_BACKEND != CONSOLE:
        return []
    return [
        Warning(
            "No mail server is set, so emails are printed to the console and nobody receives them.",
            hint="Set EMAIL_URL (or EMAIL_HOST and friends): see docs/operations.md.",
            id="caseaudit.W001",
        )
    ]
