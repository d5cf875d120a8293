"""Personal API tokens: how a script, the data warehouse or Power BI signs in to the API as a person.

A token carries exactly its owner's role and scope: whatever the owner may see or do on the pages, and
nothing more. Only a hash of it is kept (`tokens.digest`): the token itself is shown once, when made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)  # what it is for: "Power BI", "warehouse nightly"
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the token, hex
    prefix = models.CharField(max_length=12)  # the token's first characters, to tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "live" if self.expires_at > timezone.now() else "expired"
