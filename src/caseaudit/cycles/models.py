from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.cases.models import Case, Cohort

FOCUS_REASON_MAX_LENGTH = 300


class Season(models.TextChoices):
    AUTUMN = "autumn", "Autumn (1 October to 30 November)"
    SPRING = "spring", "Spring (1 April to 31 May)"
    CUSTOM = "custom", "Custom dates"


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # the sample is proposed and may be changed; it blocks nothing
    PLANNED = "planned", "Planned"  # the sample is confirmed
    IN_PROGRESS = "in-progress", "In progress"
    CLOSED = "closed", "Closed"


class Cycle(models.Model):
    """A named audit window ("Autumn 2018") with its sample of cases, its auditors and its deadline."""

    name = models.CharField(max_length=80, unique=True)
    season = models.CharField(max_length=10, choices=Season.choices)
    year = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The deadline: audits not submitted by then are overdue.")
    focus_cohort = models.CharField(max_length=20, choices=Cohort.choices, blank=True)
    # Why the focus cohort was chosen, asked when planning: the committee paper's method section says it.
    focus_reason = models.CharField(max_length=FOCUS_REASON_MAX_LENGTH, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    seed = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class SampleSwap(models.Model):
    """A case taken out of a draft sample and the one put in its place, with the planner's reason why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="swaps")
    removed = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    added = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"swap in cycle {self.cycle_id} {self.at:%Y-%m-%d}"


class CycleDecision(models.TextChoices):
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class CycleStatusChange(models.Model):
    """A cycle closed before its window ended, or reopened, with the QA lead's reason: shown on the cycle
    page so that nobody has to read the change history to learn why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="status_changes")
    decision = models.CharField(max_length=10, choices=CycleDecision.choices)
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision} cycle {self.cycle_id} {self.at:%Y-%m-%d}"
