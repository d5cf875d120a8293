"""Which cases are due for re-audit after an Inadequate moderated grade, read from the audits (the rule is
`caseaudit.core.reaudit`). Nothing is stored: a new audit, a re-moderation or a changed plan shows at once.

The planner (`cycles.planning.propose_cycle`) puts every case due before a cycle's end into its sample;
the re-audit page of the improvement tracker lists the cases still waiting."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent
from caseaudit.cases.models import Case, open_on
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.core.reaudit import (
    DEFAULT_REAUDIT_WEEKS,
    INADEQUATE,
    AuditDate,
    ModeratedAudit,
    ReAuditDue,
    reaudits_due,
)
from caseaudit.core.sampling import Candidate

from .models import CycleStatus

DECIDED = (ModerationEvent.Kind.AGREED, ModerationEvent.Kind.CHANGED)


def reaudit_weeks() -> int:
    return int(getattr(settings, "CASEAUDIT_REAUDIT_WEEKS", DEFAULT_REAUDIT_WEEKS))


def _day(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands MAX() of a date back as text
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def outstanding_reaudits(*, weeks: int | None = None) -> list[ReAuditDue]:
    """Every case waiting for its re-audit, earliest due first. Reads only the cases that ever had an
    Inadequate moderated grade: a handful, however large the register."""
    # The re-audit rule is the case file audit's: an Inadequate in a practice observation is followed up
    # through its own actions, not by auditing the whole case again.
    case_files = Audit.objects.of_type(CASE_FILE)
    cases = case_files.filter(status=AuditStatus.MODERATED, moderated_grade=INADEQUATE).values("case_id")
    moderated = []
    for case_id, pk, completed_on, starts_on, decided_at, grade in (
        case_files.filter(case_id__in=cases, status=AuditStatus.MODERATED)
        .exclude(moderated_grade="")
        .annotate(decided_at=Max("moderation_events__at", filter=Q(moderation_events__kind__in=DECIDED)))
        .values_list("case_id", "pk", "completed_on", "cycle__starts_on", "decided_at", "moderated_grade")
    ):
        audited_on = _day(completed_on) or _day(starts_on)
        if audited_on is None:
            continue
        # An imported historical audit has no moderation event: it was moderated when it was completed.
        moderated.append(ModeratedAudit(case_id, pk, audited_on, _day(decided_at) or audited_on, grade))
    dates = [
        AuditDate(case_id, pk, on_date)
        for case_id, pk, completed_on, starts_on in case_files.filter(case_id__in=cases)
        .exclude(cycle__status=CycleStatus.DRAFT)
        .values_list("case_id", "pk", "completed_on", "cycle__starts_on")
        if (on_date := _day(completed_on) or _day(starts_on)) is not None
    ]
    return reaudits_due(moderated, dates, weeks=reaudit_weeks() if weeks is None else weeks)


def reaudit_candidates(starts_on: date, ends_on: date) -> list[Candidate]:
    """The cases a cycle from `starts_on` to `ends_on` must re-audit: due on or before its end, and open
    on its first day (a closed case is not audited)."""
    due = {r.case_id: r for r in outstanding_reaudits() if r.due_on <= ends_on}
    if not due:
        return []
    open_cases = Case.objects.filter(open_on(starts_on), pk__in=list(due))
    return [
        Candidate(pk, cohort, due[pk].moderated_on) for pk, cohort in open_cases.values_list("pk", "cohort")
    ]
