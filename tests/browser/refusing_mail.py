"""A mail server that is down: every message is refused, as an SMTP server that cannot be reached is."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")
