"""Actions and safeguarding concerns: what audits find that must change, chased until it has."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case, Team


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    VERIFIED = "verified", "Verified"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.Model):
    """A task from an audit (or, later, a recommendation of a report): owner, due date, status."""

    audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="actions"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"


class SafeguardingConcern(models.Model):
    """A child found at risk during an audit: escalated to the team manager at once, open until the
    manager records the response. It never waits for the report (DOMAIN.md)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="concerns")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="concerns")
    description = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="concerns_notified")
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"concern {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.responded_at is None
