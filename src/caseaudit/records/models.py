"""What the records app keeps: the record of each case disposed of under the retention schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.cases.models import Cohort
from caseaudit.core.register import CHILD_ID_MAX_LENGTH


class DisposalRecord(models.Model):
    """One closed case disposed of under the retention schedule (docs/operations.md#retention-and-disposal):
    which case, when it closed, under which cohort's rule it fell due, when and by whom it was disposed of,
    and how much went with it. Ids and dates only: never a name, an answer or any text of the case's."""

    case_pk = models.PositiveIntegerField("internal case id", db_index=True)
    child_id = models.CharField("Child Unique ID", max_length=CHILD_ID_MAX_LENGTH, db_index=True)
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    closed_on = models.DateField()
    due_on = models.DateField()
    rule = models.CharField(max_length=120)  # the schedule's rule, in words
    disposed_at = models.DateTimeField(auto_now_add=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The username when it was done ("system" for the command line), kept if the account is later renamed.
    disposed_by_name = models.CharField(max_length=150)
    schedule_confirmed_by = models.CharField(max_length=200)
    schedule_confirmed_on = models.DateField()
    audits = models.PositiveIntegerField()
    actions = models.PositiveIntegerField()

    class Meta:
        ordering = ["-disposed_at", "child_id"]

    def __str__(self) -> str:
        return f"case {self.case_pk} disposed of {self.disposed_at:%Y-%m-%d}"
