"""What reports keep of audits that are no longer held: counts, never the audits.

When `caseaudit retention` disposes of a closed case past its retention period (caseaudit.records), its
audits go with it, yet the grade tables and committee papers of past cycles must still show the true
totals. So the disposal leaves behind, for the audits it removes, how many there were of each kind the
reports count by: cycle, year of completion, cohort, status, grades, audit tool and scale, and the team
the case was in (a team manager's table counts their team's). No Child Unique ID, no text, no link to the
disposal record: a row cannot be traced back to a child."""

from __future__ import annotations

from django.db import models

from caseaudit.audits.models import AuditStatus, AuditTemplate, GradeScale
from caseaudit.cases.models import Cohort, Team


class DisposedAudits(models.Model):
    """How many audits of one kind were disposed of under the retention schedule."""

    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="disposed_audits"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    status = models.CharField(max_length=12, choices=AuditStatus.choices)
    completed_on = models.DateField(null=True, blank=True)
    auditor_grade = models.CharField(max_length=40, blank=True)
    moderated_grade = models.CharField(max_length=40, blank=True)
    not_triangulated = models.BooleanField(default=False)
    template = models.ForeignKey(
        AuditTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade_scale = models.ForeignKey(
        GradeScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audits = models.PositiveIntegerField()
    disposed_on = models.DateField()

    class Meta:
        verbose_name_plural = "disposed audits"

    def __str__(self) -> str:
        return f"{self.audits} disposed audits (cycle {self.cycle_id})"
