from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case, Cohort


class AuditStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"


class SelectionReason(models.TextChoices):
    """Why the planner picked a case: every case in a sample can say why it is there."""

    FOCUS_COHORT = "focus-cohort", "Focus cohort"
    NEVER_AUDITED = "never-audited", "Never audited"
    LONGEST_SINCE_LAST_AUDIT = "longest-since-last-audit", "Longest since last audit"
    COHORT_REPRESENTATION = "cohort-representation", "Cohort representation"
    RANDOM = "random", "Random"
    SWAPPED_IN = "swapped-in", "Swapped in by the QA team"


class GradeScale(models.Model):
    """A versioned grade scale (the Ofsted four-point scale, a 0-10 Signs of Safety scale, ...): grades
    are data, worst first, never a hard-coded enum, because scales change (DOMAIN.md, "Grade")."""

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    # [{"slug": "inadequate", "label": "Inadequate", "descriptor": "..."}, ...], worst first.
    grades = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="one_scale_version")]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def slugs(self) -> list[str]:
        return [grade["slug"] for grade in self.grades]

    def label(self, slug: str) -> str:
        return next((g["label"] for g in self.grades if g["slug"] == slug), slug)


class AuditTemplate(models.Model):
    """A versioned audit tool: its sections and questions, loaded from a YAML file. An audit keeps the
    version it was started with; a newer version never changes a finished audit."""

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    grade_scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="templates")
    definition = models.JSONField()  # the validated YAML document, as loaded
    source_name = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="one_template_version")]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class AuditQuerySet(models.QuerySet["Audit"]):
    def confirmed(self) -> AuditQuerySet:
        """Leave out the audits of draft samples, which are proposals, not plans."""
        return self.exclude(cycle__status="draft")

    def allocated_to(self, user: User) -> AuditQuerySet:
        return self.confirmed().filter(auditor=user)


class Audit(models.Model):
    """One case audited once: planned in a cycle, allocated to an auditor, completed, moderated.

    A historical audit loaded from a spreadsheet has no cycle, only the date it was completed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="audits")
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="audits"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    # The case's cohort when it was audited: a child in need in 2019 who is a care leaver now is counted
    # as a child-in-need audit in 2019's report.
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default=AuditStatus.NOT_STARTED)
    reason = models.CharField(max_length=30, choices=SelectionReason.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    template = models.ForeignKey(
        AuditTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    # The scale the grades below are on: the template's, or, for a historical audit, the one it was graded on.
    grade_scale = models.ForeignKey(
        GradeScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    auditor_grade = models.CharField(max_length=40, blank=True)
    moderated_grade = models.CharField(max_length=40, blank=True)  # reports use this; the auditor's is kept
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["case__child_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "case"], name="one_audit_per_case_per_cycle")]
        indexes = [models.Index(fields=["auditor", "status"])]

    def __str__(self) -> str:
        return f"audit {self.pk}"


class Reallocation(models.Model):
    """An audit moved from one auditor to another by the QA lead: who, when and why."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="reallocations")
    from_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"audit {self.audit_id} reallocated {self.at:%Y-%m-%d}"
