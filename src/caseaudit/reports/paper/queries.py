"""The counts the committee paper needs about one cycle, each read in one grouped query. Counts only: no
query here returns a child's id or a person's name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from caseaudit.audits.models import (
    DONE,  # submitted or moderated: completed, as the cycle page and the reports count them
    Audit,
    AuditStatus,
    EvidenceSource,
    EvidenceUse,
    FeedbackResponse,
    Finding,
    FindingKind,
)
from caseaudit.audits.moderation import AgreementRow, moderation_statistics
from caseaudit.cases.models import Case, open_on
from caseaudit.cases.quality import register_problems
from caseaudit.core import data_quality
from caseaudit.core.grade_tables import OFSTED_GRADES
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import (
    Action,
    ActionKind,
    ActionNote,
    ActionStatus,
    FollowUp,
    FollowUpItem,
    FollowUpStatus,
    SafeguardingConcern,
)
from caseaudit.reports.models import DisposedAudits, PaperState, PaperVersion


@dataclass(frozen=True)
class CycleFigures:
    planned: int  # audits in the sample
    done: int  # submitted or moderated
    moderated: int
    on_time: int  # done, completed on or before the cycle's end
    late: int  # done, completed after it
    last_completed: date | None  # the latest completion of the cycle's audits
    not_triangulated: int  # done on the record alone, confirmed by the auditor
    without_evidence: int  # done, no evidence source recorded (audits loaded from past spreadsheets)
    sample_by_cohort: dict[str, int]
    tools: list[tuple[str, int]]  # "Name v2", audits done with it
    scales: list[tuple[str, int]]
    evidence: list[tuple[str, int]]  # source label, done audits that used it
    # Audits of the cycle disposed of under the retention schedule: in the counts above from the figures
    # kept, but not in the evidence, tools, themes, moderation or actions, which went with them.
    disposed: int = 0
    # Moderated audits with no auditor's grade: loaded from records that kept only the moderated grade.
    moderated_alone: int = 0


def cycle_figures(cycle: Cycle) -> CycleFigures:
    # A withdrawn audit (its case closed before it was done) was never part of the work: not planned either.
    audits = Audit.objects.filter(cycle=cycle).exclude(status=AuditStatus.WITHDRAWN)
    done = audits.filter(status__in=DONE)
    totals = audits.aggregate(
        planned=Count("pk"),
        done=Count("pk", filter=Q(status__in=DONE)),
        moderated=Count("pk", filter=Q(status=AuditStatus.MODERATED)),
        on_time=Count("pk", filter=Q(status__in=DONE, completed_on__lte=cycle.ends_on)),
        late=Count("pk", filter=Q(status__in=DONE, completed_on__gt=cycle.ends_on)),
        last_completed=Max("completed_on", filter=Q(status__in=DONE)),
        not_triangulated=Count("pk", filter=Q(status__in=DONE, not_triangulated=True)),
    )
    # The counts kept of audits disposed of under the retention schedule, so the totals stay true.
    gone = DisposedAudits.objects.filter(cycle=cycle)
    kept = gone.aggregate(
        planned=Sum("audits"),
        done=Sum("audits", filter=Q(status__in=DONE)),
        moderated=Sum("audits", filter=Q(status=AuditStatus.MODERATED)),
        on_time=Sum("audits", filter=Q(status__in=DONE, completed_on__lte=cycle.ends_on)),
        late=Sum("audits", filter=Q(status__in=DONE, completed_on__gt=cycle.ends_on)),
        last_completed=Max("completed_on", filter=Q(status__in=DONE)),
        not_triangulated=Sum("audits", filter=Q(status__in=DONE, not_triangulated=True)),
    )
    for key, value in kept.items():
        if key == "last_completed":
            totals[key] = max(filter(None, (totals[key], value)), default=None)
        else:
            totals[key] += value or 0
    sample_by_cohort = Counter(dict(audits.values_list("cohort").annotate(n=Count("pk")).order_by()))
    sample_by_cohort.update(dict(gone.values_list("cohort").annotate(n=Sum("audits")).order_by()))
    used = Counter(
        dict(
            EvidenceUse.objects.filter(audit__in=done)
            .values_list("source")
            .annotate(n=Count("audit", distinct=True))
            .order_by()
        )
    )
    return CycleFigures(
        planned=totals["planned"],
        done=totals["done"],
        moderated=totals["moderated"],
        on_time=totals["on_time"],
        late=totals["late"],
        last_completed=totals["last_completed"],
        not_triangulated=totals["not_triangulated"],
        without_evidence=done.filter(evidence__isnull=True).count(),
        sample_by_cohort=dict(sample_by_cohort),
        tools=_named_counts(done, "template__name", "template__version"),
        scales=_named_counts(done, "grade_scale__name", "grade_scale__version"),
        evidence=[(label, used[value]) for value, label in EvidenceSource.choices],
        disposed=kept["planned"] or 0,
        moderated_alone=audits.filter(status=AuditStatus.MODERATED, auditor_grade="").count(),
    )


def _named_counts(audits: Any, name_field: str, version_field: str) -> list[tuple[str, int]]:
    rows = audits.values_list(name_field, version_field).annotate(n=Count("pk")).order_by(name_field)
    return [(f"{name} (version {version})", n) for name, version, n in rows if name]


def cross_counts(cycle: Cycle) -> dict[tuple[str, str], int]:
    """Moderated audits of the cycle by (auditor's grade, moderated grade), Ofsted grades only."""
    rows = (
        Audit.objects.filter(cycle=cycle, status=AuditStatus.MODERATED)
        .filter(auditor_grade__in=OFSTED_GRADES, moderated_grade__in=OFSTED_GRADES)
        .values_list("auditor_grade", "moderated_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(auditor, moderated): n for auditor, moderated, n in rows}


def agreement(cycle: Cycle) -> AgreementRow:
    """Agreement between auditors and moderators over the cycle's moderated audits: the overall row of the
    moderation statistics (the per-auditor rows name people and stay out of the paper)."""
    return moderation_statistics(Audit.objects.filter(cycle=cycle))[-1]


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    strengths: int
    issues: int

    @property
    def total(self) -> int:
        return self.strengths + self.issues


def theme_counts(cycle: Cycle) -> list[ThemeCount]:
    """Findings of the cycle's done audits per theme, most findings first."""
    counts: dict[str, Counter[str]] = {}
    rows = (
        Finding.objects.filter(audit__cycle=cycle, audit__status__in=DONE)
        .values_list("theme__label", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for label, kind, n in rows:
        counts.setdefault(label, Counter())[kind] += n
    themes = [
        ThemeCount(label, by_kind[FindingKind.STRENGTH], by_kind[FindingKind.ISSUE])
        for label, by_kind in counts.items()
    ]
    return sorted(themes, key=lambda t: (-t.total, t.theme.lower()))


@dataclass(frozen=True)
class ActionCounts:
    by_status: list[tuple[str, int]]  # status label, actions; every status, in the tracker's order
    total: int
    still_open: int  # open or in progress
    overdue: int  # still open and past their due date


def action_counts(cycle: Cycle, *, today: date) -> ActionCounts:
    """The actions agreed in the cycle's audits (not the cycle's recommendations)."""
    actions = Action.objects.in_tracker().filter(kind=ActionKind.ACTION, audit__cycle=cycle)
    still_open = Q(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
    by_status = dict(actions.values_list("status").annotate(n=Count("pk")).order_by())
    overdue = actions.filter(still_open, due_on__lt=today).count()
    return ActionCounts(
        by_status=[(label, by_status.get(value, 0)) for value, label in ActionStatus.choices],
        total=sum(by_status.values()),
        still_open=sum(by_status.get(s, 0) for s in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
        overdue=overdue,
    )


def leading(themes: list[ThemeCount], kind: str) -> ThemeCount | None:
    """The theme with the most findings of `kind` ("strengths" or "issues"), when one leads: with two
    level at the top, none is "most often"."""
    counted = sorted((t for t in themes if getattr(t, kind)), key=lambda t: -getattr(t, kind))
    if not counted or (len(counted) > 1 and getattr(counted[0], kind) == getattr(counted[1], kind)):
        return None
    return counted[0]


@dataclass(frozen=True)
class StoryCounts:
    """What the paper's method and its drafted words say beyond the grades."""

    open_cases: int  # cases open on the cycle's first day, by the register as it is
    auditors: int  # people who completed the cycle's audits
    organisations: list[tuple[str, int]]  # external providers named by past records, and their audits
    unattributed: int  # completed audits with no auditor or provider recorded (records that named none)
    feedback: dict[str, int]  # respondent -> feedback responses to the cycle's audits
    feedback_audits: int  # the cycle's audits with any feedback
    concerns: int  # safeguarding concerns raised in the cycle's audits
    implausible: str  # the register's implausible data in words, as the paper is drawn ("" when none)


def story_counts(cycle: Cycle, today: date) -> StoryCounts:
    feedback = FeedbackResponse.objects.filter(audit__cycle=cycle)
    done = Audit.objects.filter(cycle=cycle, status__in=DONE)
    return StoryCounts(
        open_cases=Case.objects.filter(open_on(cycle.starts_on)).count(),
        auditors=done.filter(auditor__isnull=False).values("auditor").distinct().count(),
        organisations=list(
            done.exclude(auditor_organisation="")
            .values_list("auditor_organisation")
            .annotate(n=Count("pk"))
            .order_by("auditor_organisation")
        ),
        unattributed=done.filter(auditor__isnull=True, auditor_organisation="").count(),
        feedback=dict(feedback.values_list("respondent").annotate(n=Count("pk")).order_by()),
        feedback_audits=feedback.values("audit").distinct().count(),
        concerns=SafeguardingConcern.objects.filter(audit__cycle=cycle).count(),
        implausible=data_quality.describe(register_problems(today)),
    )


def has_completed_audits(cycle: Cycle) -> bool:
    """Whether the cycle has a submitted audit to report, kept or disposed of: without one, no paper."""
    return (
        Audit.objects.filter(cycle=cycle, status__in=DONE).exists()
        or DisposedAudits.objects.filter(cycle=cycle, status__in=DONE).exists()
    )


def nothing_completed(cycle: Cycle) -> str:
    return (
        f"No audit in {cycle.name} is completed yet. The committee paper is drawn once at least one audit "
        "is submitted."
    )


@dataclass(frozen=True)
class Progress:
    """What the follow-up audits found and how the actions moved, since `since`."""

    since: date
    since_paper: bool  # `since` is the day the last paper was issued (else the cycle's first day)
    follow_ups: int  # follow-up audits completed
    checked: int  # actions they checked
    found_done: int  # of those, found done (verified)
    found_not_done: int  # found not done (reopened)
    follow_ups_waiting: int  # follow-up audits allocated and not yet completed
    marked_done: int  # actions their owners marked done
    verified: int  # actions the QA lead or a follow-up audit verified
    overdue: int  # actions open or in progress past their due date, today


def progress_since(cycle: Cycle, *, today: date) -> Progress:
    """Follow-up audits and the improvement meeting's actions since the last committee paper issued before
    this one (of any cycle), or since the cycle began."""
    last = (
        PaperVersion.objects.filter(state=PaperState.ISSUED, issued_at__date__lt=today)
        .exclude(cycle=cycle)
        .aggregate(last=Max("issued_at"))["last"]
    )
    since = timezone.localdate(last) if last else cycle.starts_on
    completed = FollowUp.objects.filter(status=FollowUpStatus.COMPLETED, completed_at__date__gte=since)
    items = FollowUpItem.objects.filter(follow_up__in=completed).aggregate(
        checked=Count("pk"),
        found_done=Count("pk", filter=Q(done=True)),
        found_not_done=Count("pk", filter=Q(done=False)),
    )
    moves = ActionNote.objects.filter(at__date__gte=since, action__kind=ActionKind.ACTION).aggregate(
        done=Count("action", filter=Q(to_status=ActionStatus.DONE), distinct=True),
        verified=Count("action", filter=Q(to_status=ActionStatus.VERIFIED), distinct=True),
    )
    still_open = Q(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
    return Progress(
        since=since,
        since_paper=last is not None,
        follow_ups=completed.count(),
        checked=items["checked"],
        found_done=items["found_done"],
        found_not_done=items["found_not_done"],
        follow_ups_waiting=FollowUp.objects.filter(status=FollowUpStatus.ALLOCATED).count(),
        marked_done=moves["done"],
        verified=moves["verified"],
        overdue=Action.objects.in_tracker()
        .filter(still_open, kind=ActionKind.ACTION, due_on__lt=today)
        .count(),
    )


NO_TEAM = "No team recorded"


def grades_by_team(cycle: Cycle, grade_source: str) -> dict[str, Counter[str]]:
    """The cycle's completed audits with a grade on Ofsted's scale, by the case's team and grade: the
    officers' version's table. A team is a team's name, never a person's."""
    field = "moderated_grade" if grade_source == "moderated" else "auditor_grade"
    rows = (
        Audit.objects.filter(cycle=cycle, status__in=DONE, **{f"{field}__in": OFSTED_GRADES})
        .values_list("case__team__name", field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    teams: dict[str, Counter[str]] = {}
    for team, grade, n in rows:
        teams.setdefault(team or NO_TEAM, Counter())[grade] += n
    return dict(sorted(teams.items()))


@dataclass(frozen=True)
class TeamActions:
    team: str
    total: int
    still_open: int
    overdue: int


def actions_by_team(cycle: Cycle, *, today: date) -> list[TeamActions]:
    """The actions agreed in the cycle's audits, by the case's team."""
    still_open = Q(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
    rows = (
        Action.objects.in_tracker()
        .filter(kind=ActionKind.ACTION, audit__cycle=cycle)
        .values_list("case__team__name")
        .annotate(
            total=Count("pk"),
            still_open=Count("pk", filter=still_open),
            overdue=Count("pk", filter=still_open & Q(due_on__lt=today)),
        )
        .order_by()
    )
    return sorted((TeamActions(team or NO_TEAM, *counts) for team, *counts in rows), key=lambda t: t.team)
