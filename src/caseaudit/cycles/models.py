from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.cases.models import Case, Cohort, Team
from caseaudit.core.audit_types import AUDIT_TYPE_LABELS, CASE_FILE

FOCUS_REASON_MAX_LENGTH = 300
NAME_MAX_LENGTH = 80
SELECTION_NOTE_MAX_LENGTH = 300
THEME_MAX_LENGTH = 120
AUDIT_TYPE_CHOICES = list(AUDIT_TYPE_LABELS.items())


class Season(models.TextChoices):
    AUTUMN = "autumn", "Autumn (1 October to 30 November)"
    SPRING = "spring", "Spring (1 April to 31 May)"
    CUSTOM = "custom", "Custom dates"


class SampleRule(models.TextChoices):
    """How a cycle's cases are chosen."""

    FRACTION = "fraction", "A fraction of the open cases"
    SIZE = "size", "A number of cases"
    EVERY_CASE = "every-case", "Every open case in the cohort or team chosen"
    BY_HAND = "by-hand", "Cases chosen by hand, each with a reason"


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # the sample is proposed and may be changed; it blocks nothing
    PLANNED = "planned", "Planned"  # the sample is confirmed
    IN_PROGRESS = "in-progress", "In progress"
    CLOSED = "closed", "Closed"


class Cycle(models.Model):
    """A named audit window ("Autumn 2018", "Pathway plans, March 2027") of one kind of audit, with the tool
    it is audited with, its sample of cases and how they were chosen, its auditors and its deadline."""

    name = models.CharField(max_length=NAME_MAX_LENGTH, unique=True)
    audit_type = models.CharField(max_length=30, choices=AUDIT_TYPE_CHOICES, default=CASE_FILE)
    # The tool its audits start on; none for a cycle recorded before tools were chosen per cycle, whose
    # audits take the kind's default tool.
    template = models.ForeignKey(
        "audits.AuditTemplate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What a thematic audit looks at ("pathway plans"): shown on every audit of the cycle and in reports.
    theme = models.CharField(max_length=THEME_MAX_LENGTH, blank=True)
    sample_rule = models.CharField(max_length=12, choices=SampleRule.choices, default=SampleRule.FRACTION)
    # The cases a cycle of another kind than the case file audit may sample: a cohort, a team, or both.
    scope_cohort = models.CharField(max_length=20, choices=Cohort.choices, blank=True)
    scope_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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
