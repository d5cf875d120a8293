from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from caseaudit.core.characteristics import DISABILITIES, ETHNICITIES, SEXES, YES_NO
from caseaudit.core.cohorts import COHORTS
from caseaudit.core.looked_after import LEGAL_STATUS_CHOICES, PLACEMENT_TYPE_CHOICES
from caseaudit.core.register import CHILD_ID_MAX_LENGTH, NAME_MAX_LENGTH


class Cohort(models.TextChoices):
    # Mirrors caseaudit.core.cohorts.COHORTS, highest need first; a test keeps the two in step.
    CARE_LEAVER = "care-leaver", "Care leaver"
    LOOKED_AFTER = "looked-after", "Looked after child"
    CHILD_PROTECTION = "child-protection", "Child protection"
    CHILD_IN_NEED = "child-in-need", "Child in need"
    EARLY_HELP = "early-help", "Early help"


assert tuple(Cohort.choices) == COHORTS

ETHNICITY_CHOICES = [(code, description) for code, description, _ in ETHNICITIES]


class Team(models.Model):
    name = models.CharField(max_length=NAME_MAX_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """An allocated worker, personal adviser or team manager, as named in the case management system."""

    name = models.CharField(max_length=NAME_MAX_LENGTH, unique=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One run of `import-cases`: who, when, which file, and what it changed."""

    class Kind(models.TextChoices):
        CSV = "csv", "caseaudit CSV"
        ANNEX_A = "annex-a", "Annex A workbook"
        SSDA903 = "ssda903", "SSDA903 return"
        CIN = "cin", "Children in Need census"

    started_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    partial = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # The day the file was extracted from the case management system, as the census's header says or the
    # person importing it gives (empty: not known, and the import's day stands in): how old its dates are.
    extracted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


_OPEN = models.Q(closed_on__isnull=True)


# The key of `Case.date_sources` for the import that created the case: one entry, not one a date, as a
# million-case register is created in one import.
CREATED_WITH = "*"


def open_on(day: date) -> models.Q:
    """The cases open on `day`: opened by then (or with no opening date recorded), and not closed by then."""
    opened = models.Q(opened_on__isnull=True) | models.Q(opened_on__lte=day)
    return opened & (models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day))


class Case(models.Model):
    """One child known to the service, identified by the CMS's Child Unique ID and never by name."""

    child_id = models.CharField("Child Unique ID", max_length=CHILD_ID_MAX_LENGTH, unique=True)
    cohort = models.CharField(max_length=20, choices=Cohort.choices, db_index=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="allocated_cases"
    )
    manager = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_cases"
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The first day of the birth month: enough for age bands, and no full date of birth is ever kept.
    birth_month = models.DateField(null=True, blank=True)
    # DfE codes (caseaudit.core.characteristics), for the equality tables. Not recorded is NULL, as for the
    # dates: the importer compares and writes every column in bulk, where NULL is the one "no value".
    sex = models.CharField(max_length=1, choices=SEXES, null=True, blank=True)  # noqa: DJ001
    ethnicity = models.CharField(max_length=4, choices=ETHNICITY_CHOICES, null=True, blank=True)  # noqa: DJ001
    disability = models.CharField(max_length=1, choices=DISABILITIES, null=True, blank=True)  # noqa: DJ001

    latest_pathway_plan = models.DateField(null=True, blank=True)
    latest_contact = models.DateField(null=True, blank=True)
    looked_after_since = models.DateField(null=True, blank=True)
    # The current placement's start, and whether it is intended to last until the child is 18 ("Y", "N", or
    # NULL where the register does not say): the social work visits count from them (reg 28).
    placement_start = models.DateField(null=True, blank=True)
    placement_intended_until_18 = models.CharField(  # noqa: DJ001 (NULL is "not said", as for the codes)
        "Placement intended to last until 18", max_length=1, choices=YES_NO, null=True, blank=True
    )
    # The legal status and placement type as codes of the children looked after return, and whether the
    # child came to care as an unaccompanied asylum-seeking child: Annex A's List 8 gives all three.
    legal_status = models.CharField(  # noqa: DJ001
        max_length=2, choices=LEGAL_STATUS_CHOICES, null=True, blank=True
    )
    placement_type = models.CharField(  # noqa: DJ001
        max_length=2, choices=PLACEMENT_TYPE_CHOICES, null=True, blank=True
    )
    uasc = models.CharField(  # noqa: DJ001
        "Unaccompanied asylum-seeking child", max_length=1, choices=YES_NO, null=True, blank=True
    )
    initial_health_assessment = models.DateField(null=True, blank=True)
    latest_statutory_review = models.DateField(null=True, blank=True)
    last_social_work_visit = models.DateField(null=True, blank=True)
    last_health_assessment = models.DateField(null=True, blank=True)
    last_dental_check = models.DateField(null=True, blank=True)
    latest_pep = models.DateField("Latest personal education plan review", null=True, blank=True)
    strategy_discussion = models.DateField(null=True, blank=True)
    initial_conference = models.DateField(null=True, blank=True)
    first_core_group = models.DateField(null=True, blank=True)
    cp_plan_start = models.DateField("CP plan start", null=True, blank=True)
    last_statutory_visit = models.DateField(null=True, blank=True)
    latest_review_conference = models.DateField(null=True, blank=True)
    referral_date = models.DateField(null=True, blank=True)
    assessment_start = models.DateField(null=True, blank=True)
    assessment_completed = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    cin_plan_start = models.DateField("CIN plan start", null=True, blank=True)
    latest_cin_plan_review = models.DateField("Latest CIN plan review", null=True, blank=True)
    # Every cohort: the latest supervision that discussed the case, and the oldest event not yet written up
    # (empty when the recording is up to date).
    last_supervision = models.DateField(null=True, blank=True)
    recording_backlog_since = models.DateField("Oldest event not yet recorded", null=True, blank=True)
    # Worked out from the review history a return brought (`actions.import_return`), never imported: the
    # first review of the current period of care, where the history reaches back to its start.
    first_looked_after_review = models.DateField(null=True, blank=True)

    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL)
    # Where each date came from: the import (an ImportBatch's id) that last changed it, by register column,
    # and under CREATED_WITH the import that created the case, which brought every date not named. Written
    # by the import itself, a merge per row (`importing.write`); read by `date_sources.sources_of`.
    date_sources = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["child_id"]
        indexes = [
            # The register lists open cases, filtered and sorted, a page at a time: each filter and sort of
            # its open cases has an index that reads them in order (the Child Unique ID breaks ties), so a
            # page reads its 50 rows, not the register. Only open cases, where the pages look; closed_on
            # comes last so that SQLite counts them from the index alone.
            *(
                models.Index(
                    fields=[*fields, "child_id", "closed_on"], name=f"case_open_{name}", condition=_OPEN
                )
                for name, fields in (
                    ("child_id", ()),
                    ("opened_on", ("opened_on",)),
                    ("cohort", ("cohort",)),
                    ("team", ("team",)),
                    ("worker", ("worker",)),
                    ("manager", ("manager",)),
                )
            ),
            # Closed cases by date, for retention; not an index on every case, which SQLite would prefer
            # to the ones above for "open" and then sort the whole register.
            models.Index(fields=["closed_on"], name="case_closed_on", condition=~_OPEN),
            # The latest change to the register: part of the fingerprint its kept compliance is filed under.
            models.Index(fields=["updated_at"], name="case_updated_at"),
        ]

    def __str__(self) -> str:
        return self.child_id

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class StatutoryReview(models.Model):
    """A looked after child's review, held on this day, as a statutory return (SSDA903) records it: the
    history that makes the review timescale exact (caseaudit.core.review_history). Replaced for a child by
    each import of a return that names them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statutory_reviews")
    held_on = models.DateField()
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["held_on"]
        constraints = [models.UniqueConstraint(fields=["case", "held_on"], name="one_review_a_day")]

    def __str__(self) -> str:
        return f"review of case {self.case_id} on {self.held_on}"


class CareEpisode(models.Model):
    """One episode of a child's care from a statutory return: its start and end, why it began, and the
    legal status and placement it held. Replaced for a child by each import of a return that names them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="care_episodes")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField("Reason for new episode", max_length=1)
    legal_status = models.CharField(max_length=2, choices=LEGAL_STATUS_CHOICES)
    placement_type = models.CharField(max_length=2, choices=PLACEMENT_TYPE_CHOICES)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"episode of case {self.case_id} from {self.starts_on}"


def history_reaches_period_start() -> Exists:
    """Whether a case's history holds the episode that began its current period of care (reason "S", on
    the day it became looked after). Only then does the history say which review was the first: otherwise
    the reviews before the first one held are unknown, and the latest review is read as Annex A's."""
    return Exists(
        CareEpisode.objects.filter(case=OuterRef("pk"), reason="S", starts_on=OuterRef("looked_after_since"))
    )


class MissingEpisode(models.Model):
    """A time a looked after child was missing from their placement, or absent from it, as the SSDA903
    return's Missing table records it. Kept beside the case and restated by each return that holds it."""

    class Kind(models.TextChoices):
        MISSING = "M", "Missing"
        ABSENT = "A", "Away from placement without authorisation"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"missing episode of case {self.case_id} from {self.starts_on}"
