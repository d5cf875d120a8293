"""Which audits a person's grade table counts. The QA team and senior leaders read the whole authority's
(`policy.READ_REPORTS`); a team manager their own team's, by the team the case is in, and never another
team's rows (`policy.READ_GRADE_TABLE` without READ_REPORTS). The table is an aggregate, so this is a
question of scope, not of reading children's records."""

from __future__ import annotations

from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.cases.models import Team

from .models import DisposedAudits


def report_team(user: User) -> Team | None:
    """The team whose grades this person reads, or None for the whole authority. Only for people who may
    read the grade table at all."""
    if policy.can(user, policy.READ_REPORTS):
        return None
    return user.staff.team if user.staff_id and user.staff else None


def graded_audits_for(user: policy.Someone) -> QuerySet[Audit]:
    """The audits this person's grade table may count (before the table's own filters)."""
    if not isinstance(user, User) or not policy.can(user, policy.READ_GRADE_TABLE):
        return Audit.objects.none()
    # A withdrawn audit was taken out of its cycle's work when the case closed: it grades nothing.
    audits = Audit.objects.exclude(status=AuditStatus.WITHDRAWN)
    if policy.can(user, policy.READ_REPORTS):
        return audits
    team = report_team(user)
    if team is None:  # a team manager with no team has no team's grades to read
        return Audit.objects.none()
    return audits.filter(case__team=team)


def disposed_audits_for(user: policy.Someone) -> QuerySet[DisposedAudits]:
    """The counts of disposed audits this person's grade table may add: the same scope as the audits."""
    if not isinstance(user, User) or not policy.can(user, policy.READ_GRADE_TABLE):
        return DisposedAudits.objects.none()
    if policy.can(user, policy.READ_REPORTS):
        return DisposedAudits.objects.all()
    team = report_team(user)
    return DisposedAudits.objects.none() if team is None else DisposedAudits.objects.filter(team=team)
