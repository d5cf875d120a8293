"""What signing in keeps: failed attempts and the lockouts they caused (for the limits, and as a record a
security review can read), and each person's sessions (so that they can all be ended at once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FailedSignIn(models.Model):
    """One failed attempt: a wrong password or code, or an attempt refused because of a lockout. Holds the
    username as typed (whether or not an account has it) and the client's address, never the password."""

    class Reason(models.TextChoices):
        WRONG_PASSWORD = "wrong-password", "Wrong username or password"
        WRONG_CODE = "wrong-code", "Wrong code"
        LOCKED = "locked", "Refused: locked out"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)  # case-folded
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Set when an unlock (or a successful sign-in, for the username's count) lets the person start afresh:
    # the attempt stays on the record but no longer counts towards a lockout.
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.address} {self.reason}"


class Lockout(models.Model):
    """A username or a client address refused until `until`, because of too many failed attempts."""

    class Kind(models.TextChoices):
        USERNAME = "username", "Username"
        ADDRESS = "address", "Client address"

    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=150, db_index=True)  # the case-folded username, or the address
    until = models.DateTimeField(db_index=True)
    failures = models.PositiveIntegerField()  # how many failed attempts in the window caused it
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} until {self.until:%Y-%m-%d %H:%M}"


class SignedInSession(models.Model):
    """A session a person signed in to: "Sign out everywhere" and a reset of their authenticator end
    every one. Removed when the person signs out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.signed_in_at:%Y-%m-%d %H:%M}"
