"""Which actions, follow-up audits and safeguarding concerns a person may see. Every read of them starts
here; the policy says whose scope is what (everything, a team's, one's own, one's allocated audits).

Actions keep the draft rule themselves: an audit's actions reach the tracker, for everyone, when the audit
is submitted (`Action.objects.in_tracker()`). Follow-ups come from a case's tracked actions, and a concern
about a child is its team's to see whichever audit it was raised on."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.cases.scoping import cases_visible_to

from .models import Action, FollowUp, SafeguardingConcern


def actions_visible_to(user: policy.Someone) -> QuerySet[Action]:
    """The QA team sees every action; a team manager the actions of the cases they may see, their team's
    recommendations and what they own; a worker what they own; nobody else any (a senior leader sees
    counts only, `meeting.counts_by_team`)."""
    if not isinstance(user, User) or not policy.can(user, policy.USE_TRACKER):
        return Action.objects.none()
    tracked = Action.objects.in_tracker()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return tracked
    if policy.can(user, policy.READ_TEAM_RECORDS):
        mine = Q(owner=user) | Q(case__in=cases_visible_to(user))
        team_id = user.staff.team_id if user.staff else None
        if team_id is not None:
            mine |= Q(case__isnull=True, team_id=team_id)
        return tracked.filter(mine)
    if policy.can(user, policy.READ_OWN_RECORDS):
        return tracked.filter(owner=user)
    return Action.objects.none()


def follow_ups_visible_to(user: policy.Someone) -> QuerySet[FollowUp]:
    """The QA team sees every follow-up; an auditor those allocated to them."""
    if not isinstance(user, User) or not policy.can(user, policy.READ_FOLLOW_UPS):
        return FollowUp.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return FollowUp.objects.all()
    if policy.can(user, policy.READ_ALLOCATED_RECORDS):
        return FollowUp.objects.filter(auditor=user)
    return FollowUp.objects.none()


def concerns_visible_to(user: policy.Someone) -> QuerySet[SafeguardingConcern]:
    """The QA team sees every concern; a team manager those of the cases they may see; an auditor the
    concerns they raised on audits still theirs; nobody else any."""
    if not isinstance(user, User) or not policy.can(user, policy.READ_CONCERN):
        return SafeguardingConcern.objects.none()
    if policy.can(user, policy.READ_EVERY_RECORD):
        return SafeguardingConcern.objects.all()
    if policy.can(user, policy.READ_TEAM_RECORDS):
        return SafeguardingConcern.objects.filter(case__in=cases_visible_to(user))
    if policy.can(user, policy.READ_ALLOCATED_RECORDS):
        return SafeguardingConcern.objects.filter(raised_by=user, audit__in=audits_visible_to(user))
    return SafeguardingConcern.objects.none()
