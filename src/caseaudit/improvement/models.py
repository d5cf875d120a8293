"""Actions, recommendations, follow-up audits and safeguarding concerns: what audits find that must
change, chased until it has."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case, Team


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    VERIFIED = "verified", "Verified"
    CANCELLED = "cancelled", "Cancelled"


class ActionKind(models.TextChoices):
    ACTION = "action", "Action"  # from one audit, about one child
    RECOMMENDATION = "recommendation", "Recommendation"  # from a cycle's report, about practice


class ActionQuerySet(models.QuerySet["Action"]):
    def in_tracker(self) -> ActionQuerySet:
        """The actions the tracker holds: every recommendation, and an audit's actions once the audit has
        been submitted. Until then they are part of the auditor's draft, which its owner may not see yet
        and the auditor may still take back."""
        return self.filter(Q(audit__isnull=True) | Q(audit__submitted_at__isnull=False))


class Action(models.Model):
    """A task from an audit, or a recommendation of a cycle's report: owner, due date, status, evidence.
    One model, so that one tracker lists both (issue 6, scope 5)."""

    kind = models.CharField(max_length=16, choices=ActionKind.choices, default=ActionKind.ACTION)
    # A recommendation's cycle; an audit's action reaches its cycle through the audit.
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
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
    # What shows the action was done: required to mark it done, cleared when it is reopened (the notes
    # keep every earlier version).
    evidence = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    # Optimistic locking, as for audits: every change names the version it was made on.
    version = models.PositiveIntegerField(default=1)
    # The day the owner was last emailed about it, so that reminders go at most once a day.
    last_reminded_on = models.DateField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="action") | models.Q(cycle__isnull=False),
                name="recommendation_has_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_open(self) -> bool:
        """Still to be done: open or in progress."""
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def days_overdue(self, today: date) -> int:
        """Days past the due date of an action still to be done; 0 when it is not overdue."""
        return max((today - self.due_on).days, 0) if self.is_open else 0


class ActionNote(models.Model):
    """One entry of an action's dated, authored log: a progress note, a change of status (with the
    evidence given), a reassignment. Never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"note on action {self.action_id}"


class FollowUpStatus(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    COMPLETED = "completed", "Completed"


class FollowUp(models.Model):
    """A follow-up audit: a short check, by an auditor, of whether a case's actions were done. Completing
    it verifies the actions that were done and reopens the others (docs/domain.md#follow-up-audit)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.ALLOCATED)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class FollowUpItem(models.Model):
    """One action checked by a follow-up audit: done or not, and the evidence the auditor saw."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="items")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="follow_up_items")
    done = models.BooleanField(null=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["action__due_on", "action_id"]
        constraints = [models.UniqueConstraint(fields=["follow_up", "action"], name="one_item_per_action")]

    def __str__(self) -> str:
        return f"follow-up {self.follow_up_id} action {self.action_id}"


class SafeguardingConcern(models.Model):
    """A child found at risk during an audit: escalated to the team manager at once, open until the
    manager records the response. It never waits for the report (docs/domain.md#safeguarding-concern)."""

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
