from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case, Cohort
from caseaudit.core.audit_types import CASE_FILE


class AuditStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    RETURNED = "returned", "Returned for more work"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"
    # The case closed before the audit could be done, and the QA lead took it out of the cycle's work.
    WITHDRAWN = "withdrawn", "Withdrawn"


# Done, for the auditor's deadline and a cycle's progress, once submitted: moderation is the QA team's step.
DONE = (AuditStatus.SUBMITTED, AuditStatus.MODERATED)
# No longer anybody's work: done, or withdrawn. Neither is due, late or overdue.
NOT_WORK = (*DONE, AuditStatus.WITHDRAWN)


class SelectionReason(models.TextChoices):
    """Why the planner picked a case: every case in a sample can say why it is there."""

    FOCUS_COHORT = "focus-cohort", "Focus cohort"
    NEVER_AUDITED = "never-audited", "Never audited"
    LONGEST_SINCE_LAST_AUDIT = "longest-since-last-audit", "Longest since last audit"
    COHORT_REPRESENTATION = "cohort-representation", "Cohort representation"
    RANDOM = "random", "Random"
    SWAPPED_IN = "swapped-in", "Swapped in by the QA team"
    # A case whose latest moderated grade is Inadequate comes back within CASEAUDIT_REAUDIT_WEEKS.
    REAUDIT_AFTER_INADEQUATE = "reaudit-inadequate", "Re-audit after Inadequate"
    # The sample rules of cycles other than the twice-yearly case file audit (cycles.models.SampleRule).
    IN_SCOPE = "in-scope", "Every case in scope"
    CHOSEN_BY_HAND = "chosen-by-hand", "Chosen by hand"


class GradeScale(models.Model):
    """A versioned grade scale (the Ofsted four-point scale, a 0-10 Signs of Safety scale, ...): grades
    are data, worst first, never a hard-coded enum, because scales change (docs/domain.md#grades)."""

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


def of_kind(audit_type: str) -> models.Q:
    """The audits (or the figures kept of disposed ones) of one kind (core.audit_types), by their cycle.
    One in no cycle, imported from the history kept before caseaudit, is a case file audit.

    The case file audit's, which every report reads by default, by the ids of the few cycles of other
    kinds rather than a join: the grade table's grouped query then still reads only the index of completed
    audits."""
    if audit_type != CASE_FILE:
        return models.Q(cycle__audit_type=audit_type)
    cycles = Audit._meta.get_field("cycle").related_model._default_manager  # cycles sit above audits
    others = list(cycles.exclude(audit_type=CASE_FILE).values_list("pk", flat=True))
    return ~models.Q(cycle_id__in=others)  # Django keeps the audits of no cycle (NULL) in


class AuditQuerySet(models.QuerySet["Audit"]):
    def confirmed(self) -> AuditQuerySet:
        """Leave out the audits of draft samples, which are proposals, not plans."""
        return self.exclude(cycle__status="draft")

    def allocated_to(self, user: User) -> AuditQuerySet:
        return self.confirmed().filter(auditor=user)

    def of_type(self, audit_type: str) -> AuditQuerySet:
        return self.filter(of_kind(audit_type))


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
    # An external provider that carried out a past audit, as its records say ("" for the council's own):
    # the committee paper's method section names it.
    auditor_organisation = models.CharField(max_length=120, blank=True)
    # The case's cohort when it was audited: a child in need in 2019 who is a care leaver now is counted
    # as a child-in-need audit in 2019's report.
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default=AuditStatus.NOT_STARTED)
    reason = models.CharField(max_length=30, choices=SelectionReason.choices, blank=True)
    # The planner's own words for a case chosen by hand ("the first pathway plan written by the new team").
    selection_note = models.CharField(max_length=300, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    template = models.ForeignKey(
        AuditTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    # The scale the grades below are on: the template's, or, for a historical audit, the one it was graded on.
    grade_scale = models.ForeignKey(
        GradeScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The overall grade while the audit is being written; the auditor's grade takes it on submission, so
    # a report never counts a draft.
    draft_grade = models.CharField(max_length=40, blank=True)
    # "" until submitted, and for a past audit whose records kept only the moderated grade ("not
    # recorded"): agreement statistics leave those out rather than count them as agreeing.
    auditor_grade = models.CharField(max_length=40, blank=True)
    moderated_grade = models.CharField(max_length=40, blank=True)  # reports use this; the auditor's is kept
    overall_rationale = models.TextField(blank=True)
    # Submitted on the record alone, with the auditor's explicit confirmation: flagged wherever it shows.
    not_triangulated = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change says which version it was made on, and a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["case__child_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "case"], name="one_audit_per_case_per_cycle")]
        indexes = [
            models.Index(fields=["auditor", "status"]),
            # A cycle's audits counted by auditor, cohort, reason and status (the cycle page, its progress)
            # from the index alone.
            models.Index(
                fields=["cycle", "auditor", "cohort", "reason", "status"], name="audit_cycle_counts"
            ),
            # The grade table (reports) and each cycle's completed audits (the reports page's list of
            # papers) read completed audits only, and only these columns: from this index alone, rather
            # than from every audit's row with its text.
            models.Index(
                fields=[
                    "cycle",
                    "completed_on",
                    "cohort",
                    "moderated_grade",
                    "auditor_grade",
                    "template",
                    "grade_scale",
                ],
                name="audit_graded",
                condition=models.Q(completed_on__isnull=False),
            ),
            # The latest change to a completed audit: part of the fingerprint the grade table's counts are
            # kept under (audits/fingerprint.py). Not the drafts, which change with every pause in typing.
            models.Index(
                fields=["updated_at"],
                name="audit_graded_changed",
                condition=models.Q(completed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"audit {self.pk}"

    @property
    def case_closed(self) -> bool:
        """The case closed (a register import no longer lists it) before the audit was submitted: the
        audit may no longer be possible, which the cycle page and My audits say."""
        return self.case.closed_on is not None and self.status not in NOT_WORK

    @property
    def in_confirmed_cycle(self) -> bool:
        """Allocated for real: a draft sample is a proposal, and imported history has no cycle."""
        return self.cycle_id is not None and self.cycle is not None and self.cycle.status != "draft"


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


class Withdrawal(models.Model):
    """An audit of a closed case taken out of its cycle by the QA lead: who, when and why, shown on the
    cycle page so that nobody has to read the change history to learn why."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="withdrawal")
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"audit {self.audit_id} withdrawn {self.at:%Y-%m-%d}"


class SectionResponse(models.Model):
    """What the auditor wrote for one section of the tool: a grade, the evidence, the analysis, and the
    answers to the section's questions."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="sections")
    section = models.SlugField(max_length=60)
    grade = models.CharField(max_length=40, blank=True)
    evidence = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)  # question slug -> answer
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "section"], name="one_response_per_section")]

    def __str__(self) -> str:
        return f"audit {self.audit_id} section {self.section}"


class EvidenceSource(models.TextChoices):
    """Triangulation (docs/domain.md#evidence-sources): the tool's required source (the record review, or
    for a practice observation the observation itself), and one more source at least, or the audit is
    flagged as not triangulated. A tool lists which of these it offers."""

    RECORD_REVIEW = "record-review", "Review of the case record"
    WORKER_INTERVIEW = "worker-interview", "Interview with the allocated worker"
    MANAGER_DISCUSSION = "manager-discussion", "Discussion with the team manager"
    CHILD_FEEDBACK = "child-feedback", "Feedback from the child or young person"
    CARER_FEEDBACK = "carer-feedback", "Feedback from the parent or carer"
    OBSERVATION = "observation", "Direct observation of practice"
    WORKER_REFLECTION = "worker-reflection", "The worker's reflection"
    HEALTH_PARTNER = "health-partner", "Health's contribution"
    EDUCATION_PARTNER = "education-partner", "Education's contribution (school or college)"
    POLICE_PARTNER = "police-partner", "Police contribution"
    OTHER_PARTNER = "other-partner", "Another partner's contribution"


class EvidenceUse(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="evidence")
    source = models.CharField(max_length=30, choices=EvidenceSource.choices)
    used_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "source"], name="one_use_per_source")]
        ordering = ["used_on"]

    def __str__(self) -> str:
        return f"audit {self.audit_id} {self.source}"


class ThemeKind(models.TextChoices):
    """Which findings a theme may tag: so that a process issue is never counted as a strength."""

    BOTH = "both", "Strengths and areas for development"
    STRENGTH = "strength", "Strengths only"
    DEVELOPMENT = "development", "Areas for development only"


class Theme(models.Model):
    """A theme findings are tagged with, from a controlled list the QA lead can change."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    kind = models.CharField(max_length=12, choices=ThemeKind.choices, default=ThemeKind.BOTH)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def allows(self, finding_kind: str) -> bool:
        """Whether a finding of `finding_kind` ("strength" or "issue") may be tagged with this theme."""
        if self.kind == ThemeKind.BOTH:
            return True
        return (self.kind == ThemeKind.STRENGTH) == (finding_kind == FindingKind.STRENGTH)


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    ISSUE = "issue", "Practice or process issue"


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=10, choices=FindingKind.choices)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} in audit {self.audit_id}"


class ModerationEvent(models.Model):
    """Every change of an audit's grade or status after it is first submitted: the full history that
    moderation keeps, with who, when and why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        AGREED = "agreed", "Grade agreed"
        CHANGED = "changed", "Grade changed"
        RETURNED = "returned", "Returned to the auditor"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="moderation_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_grade = models.CharField(max_length=40, blank=True)
    to_grade = models.CharField(max_length=40, blank=True)
    comments = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        # The moderation queue's latest decisions, newest first.
        indexes = [models.Index(fields=["at", "audit"], name="moderation_event_at")]

    def __str__(self) -> str:
        return f"{self.kind} audit {self.audit_id}"


class Respondent(models.TextChoices):
    YOUNG_PERSON = "young-person", "Child or young person"
    CARER = "carer", "Parent or carer"


class FeedbackLink(models.Model):
    """A single-use, expiring link for a child, young person or carer to give feedback without signing
    in. Only a hash of the token is kept: the link itself is shown once, to the person who made it."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="feedback_links")
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feedback link for audit {self.audit_id}"


class FeedbackResponse(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="feedback")
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    link = models.OneToOneField(FeedbackLink, null=True, blank=True, on_delete=models.SET_NULL)
    on_paper = models.BooleanField(default=False)
    answers = models.JSONField()  # question slug -> answer, see audits.feedback.QUESTIONS
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on"]

    def __str__(self) -> str:
        return f"feedback for audit {self.audit_id}"


PRACTICE_FEEDBACK_MAX_LENGTH = 5000


class PracticeFeedback(models.Model):
    """What the auditor tells the case's worker and manager (learning from audits): what went well and what
    to do next. Written with the audit, held back until the audit is moderated (a grade the moderator
    changes could change the feedback), then sent to the worker and the manager, and acknowledged by the
    worker, who may reply. The QA lead reads acknowledgements and themes across audits."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="practice_feedback")
    went_well = models.TextField()
    next_steps = models.TextField()
    written_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"practice feedback on audit {self.audit_id}"
