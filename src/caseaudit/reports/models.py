"""What reports keep of audits that are no longer held: counts, never the audits.

When `caseaudit retention` disposes of a closed case past its retention period (caseaudit.records), its
audits go with it, yet the grade tables and committee papers of past cycles must still show the true
totals. So the disposal leaves behind, for the audits it removes, how many there were of each kind the
reports count by: cycle, year of completion, cohort, status, grades, audit tool and scale, and the team
the case was in (a team manager's table counts their team's). No Child Unique ID, no text, no link to the
disposal record: a row cannot be traced back to a child."""

from __future__ import annotations

from django.conf import settings
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


class PaperState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class PaperVersion(models.Model):
    """A committee paper rendered once and kept: its PDF, Word and HTML files, under CASEAUDIT_PAPERS_DIR
    (reports/paper_store.py), with the SHA-256 of each.

    A cycle has at most one draft per grade source, replaced whenever the QA lead regenerates it. Issuing
    freezes the draft as it is: it becomes version N of the cycle, with who issued it, when, and a note of
    what changed, and its files never change again, whatever is imported or audited afterwards. Downloads
    serve the stored files; nothing is rendered on a download, except a first draft when none is kept."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="paper_versions")
    state = models.CharField(max_length=10, choices=PaperState.choices, default=PaperState.DRAFT)
    # 1, 2, 3 ... in the order the cycle's papers were issued; none while a draft.
    number = models.PositiveIntegerField(null=True, blank=True)
    grade_source = models.CharField(max_length=10)  # "moderated" or "auditor" (reports.grades)
    # The day the paper is dated, as its title page says.
    dated = models.DateField()
    rendered_at = models.DateTimeField()
    # Nobody when the command line rendered it.
    rendered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What changed since the version before, in the QA lead's words. Aggregates only, as the paper.
    note = models.TextField(blank=True)
    # The files' names inside CASEAUDIT_PAPERS_DIR (random, naming nothing), sizes and SHA-256 digests.
    pdf_name = models.CharField(max_length=200)
    pdf_size = models.PositiveIntegerField()
    pdf_sha256 = models.CharField(max_length=64)
    docx_name = models.CharField(max_length=200)
    docx_size = models.PositiveIntegerField()
    docx_sha256 = models.CharField(max_length=64)
    # The accessible web page of the paper; none for a paper drawn before caseaudit kept one.
    html_name = models.CharField(max_length=200, blank=True)
    html_size = models.PositiveIntegerField(default=0)
    html_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["cycle", "state", "-number", "grade_source"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "grade_source"],
                condition=models.Q(state="draft"),
                name="reports_one_draft_paper_per_grade_source",
            ),
            models.UniqueConstraint(
                fields=["cycle", "number"],
                condition=models.Q(number__isnull=False),
                name="reports_paper_numbers_unique_per_cycle",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state="draft", number__isnull=True, issued_at__isnull=True)
                    | models.Q(state="issued", number__isnull=False, issued_at__isnull=False)
                ),
                name="reports_issued_papers_are_numbered_and_dated",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"committee paper version {self.number} of cycle {self.cycle_id}"
            if self.number
            else (f"draft committee paper of cycle {self.cycle_id}")
        )

    @property
    def issued(self) -> bool:
        return self.state == PaperState.ISSUED

    def file_name(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_name"))

    def sha256(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_sha256"))

    def size(self, fmt: str) -> int:
        return int(getattr(self, f"{fmt}_size"))

    def has(self, fmt: str) -> bool:
        return bool(self.file_name(fmt))


class PaperStory(models.Model):
    """The words of a cycle's committee paper that the QA lead writes: its front matter, the
    recommendation to members, the summary, the findings in brief, the conclusion, and what the method
    and the implications say (reports/paper/story.py lists them and drafts each from the data).

    A text left empty, or saved exactly as drafted, follows the data: the next draft of the paper drafts
    it again. A text the QA lead has written is kept as written, however often the paper is regenerated.
    `version` counts the saves, so that two people editing at once never overwrite each other unseen
    (caseaudit.locking)."""

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.CASCADE, related_name="paper_story")
    meeting_on = models.DateField(null=True, blank=True)
    # The day the compliance section checks the timescales on; the cycle's last day when none is chosen.
    compliance_on = models.DateField(null=True, blank=True)
    texts = models.JSONField(default=dict)  # story key -> the text written; drafted where absent
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "paper stories"

    def __str__(self) -> str:
        return f"the words of cycle {self.cycle_id}'s committee paper"
