"""Reading the closed cases for the retention rule, and taking one case apart: everything held about it,
the counts reports keep of its audits, and the change history's values about it. The action that uses
these, in one transaction and with its record, is `records.actions.dispose_of_due_cases`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Q, QuerySet

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.models import (
    Audit,
    AuditStatus,
    EvidenceUse,
    FeedbackLink,
    FeedbackResponse,
    Finding,
    ModerationEvent,
    Reallocation,
    SectionResponse,
    Withdrawal,
)
from caseaudit.cases.models import Case, Cohort
from caseaudit.cycles.models import CycleStatus, SampleSwap
from caseaudit.improvement.models import Action, ActionNote, FollowUp, FollowUpItem, SafeguardingConcern
from caseaudit.notifications.models import Email, Notification
from caseaudit.reports.models import DisposedAudits

from .due import ClosedCase

# Dates in the register that show a child was in a cohort at some time, whatever their cohort now.
COHORT_EVIDENCE: dict[str, tuple[str, ...]] = {
    Cohort.CARE_LEAVER: ("latest_pathway_plan",),
    Cohort.LOOKED_AFTER: ("looked_after_since", "latest_statutory_review"),
    Cohort.CHILD_PROTECTION: ("cp_plan_start", "initial_conference", "latest_review_conference"),
}


def closed_cases() -> Iterator[ClosedCase]:
    """Every closed case, with every cohort its record shows: two queries, however many cases."""
    audit_cohorts: dict[int, set[str]] = defaultdict(set)
    for case_id, cohort in (
        Audit.objects.filter(case__closed_on__isnull=False).values_list("case_id", "cohort").distinct()
    ):
        audit_cohorts[case_id].add(cohort)
    evidence = sorted({name for names in COHORT_EVIDENCE.values() for name in names})
    rows = Case.objects.filter(closed_on__isnull=False).values(
        "pk", "child_id", "cohort", "closed_on", "birth_month", *evidence
    )
    for row in rows.order_by("pk").iterator(chunk_size=2000):
        cohorts = {row["cohort"], *audit_cohorts.get(row["pk"], ())}
        cohorts |= {cohort for cohort, names in COHORT_EVIDENCE.items() if any(row[n] for n in names)}
        yield ClosedCase(row["pk"], row["child_id"], row["closed_on"], row["birth_month"], frozenset(cohorts))


@dataclass(frozen=True)
class Removed:
    audits: int
    actions: int


def remove_case(case: Case, *, today: date) -> Removed:
    """Delete `case` and everything held about it, keeping for reports only the counts of its audits (as
    `DisposedAudits`) and, in the change history, only who changed what and when, never the values. Runs
    inside the caller's transaction: it is one step of a disposal that succeeds or fails whole."""
    audits = Audit.objects.filter(case=case)
    audit_ids = list(audits.values_list("pk", flat=True))
    actions = Action.objects.filter(Q(case=case) | Q(audit_id__in=audit_ids))
    action_ids = list(actions.values_list("pk", flat=True))
    follow_up_ids = list(FollowUp.objects.filter(case=case).values_list("pk", flat=True))
    concerns = SafeguardingConcern.objects.filter(Q(case=case) | Q(audit_id__in=audit_ids))
    concern_ids = list(concerns.values_list("pk", flat=True))

    _keep_counts(audits, team_id=case.team_id, today=today)
    subjects: dict[type[Model], list[int]] = {
        Case: [case.pk],
        Audit: audit_ids,
        Action: action_ids,
        FollowUp: follow_up_ids,
        SafeguardingConcern: concern_ids,
        SectionResponse: _ids(SectionResponse, audit_ids),
        EvidenceUse: _ids(EvidenceUse, audit_ids),
        Finding: _ids(Finding, audit_ids),
        ModerationEvent: _ids(ModerationEvent, audit_ids),
        Reallocation: _ids(Reallocation, audit_ids),
        Withdrawal: _ids(Withdrawal, audit_ids),
        FeedbackLink: _ids(FeedbackLink, audit_ids),
        FeedbackResponse: _ids(FeedbackResponse, audit_ids),
        ActionNote: list(ActionNote.objects.filter(action_id__in=action_ids).values_list("pk", flat=True)),
    }
    _forget_notifications(subjects)
    _clear_change_values(subjects)

    # Children before parents: the register, audits and the tracker protect what refers to them.
    FollowUpItem.objects.filter(Q(follow_up_id__in=follow_up_ids) | Q(action_id__in=action_ids)).delete()
    FollowUp.objects.filter(pk__in=follow_up_ids).delete()
    SafeguardingConcern.objects.filter(pk__in=concern_ids).delete()
    Action.objects.filter(pk__in=action_ids).delete()  # with their notes
    SampleSwap.objects.filter(Q(removed=case) | Q(added=case)).delete()
    Audit.objects.filter(pk__in=audit_ids).delete()  # with sections, evidence, findings, feedback, history
    case.delete()
    return Removed(audits=len(audit_ids), actions=len(action_ids))


def _ids(model: type[Model], audit_ids: list[int]) -> list[int]:
    return list(model._default_manager.filter(audit_id__in=audit_ids).values_list("pk", flat=True))


def _keep_counts(audits: QuerySet[Audit], *, team_id: int | None, today: date) -> None:
    """The counts past reports need. A withdrawn audit, or one of a draft sample, counts in no report."""
    kept = audits.exclude(status=AuditStatus.WITHDRAWN).exclude(cycle__status=CycleStatus.DRAFT)
    kinds = Counter(
        kept.values_list(
            "cycle_id",
            "cohort",
            "status",
            "completed_on",
            "auditor_grade",
            "moderated_grade",
            "not_triangulated",
            "template_id",
            "grade_scale_id",
        )
    )
    DisposedAudits.objects.bulk_create(
        DisposedAudits(
            cycle_id=cycle_id,
            team_id=team_id,
            cohort=cohort,
            status=status,
            completed_on=completed_on,
            auditor_grade=auditor_grade,
            moderated_grade=moderated_grade,
            not_triangulated=not_triangulated,
            template_id=template_id,
            grade_scale_id=scale_id,
            audits=n,
            disposed_on=today,
        )
        for (
            cycle_id,
            cohort,
            status,
            completed_on,
            auditor_grade,
            moderated_grade,
            not_triangulated,
            template_id,
            scale_id,
        ), n in kinds.items()
    )


def _forget_notifications(subjects: dict[type[Model], list[int]]) -> None:
    """Notifications about the case's audits, actions, follow-ups and concerns, and the emails that went
    with them: their words and links are about the child."""
    about = Q(pk__in=[])
    for model, ids in subjects.items():
        if ids:
            about |= Q(about_type=model._meta.model_name, about_id__in=[str(pk) for pk in ids])
    notifications = Notification.objects.filter(about)
    email_ids = list(notifications.exclude(email=None).values_list("email_id", flat=True))
    notifications.delete()
    Email.objects.filter(pk__in=email_ids).delete()


def _clear_change_values(subjects: dict[type[Model], list[int]]) -> None:
    """The change history keeps that someone changed a record of the case, and when (ids and dates), but
    not the values (grades, dates, lengths of text), which were the case's content."""
    about = Q(pk__in=[])
    for model, ids in subjects.items():
        if ids:
            about |= Q(subject_type=model._meta.model_name, subject_id__in=[str(pk) for pk in ids])
    ChangeEvent.objects.filter(about).update(old={}, new={})
