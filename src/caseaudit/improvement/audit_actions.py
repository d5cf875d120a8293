"""The tracker's side of the actions an auditor adds to an audit (see `audits.action_book`): they are
tracker actions from the start, about the audit's case and team."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit

from .models import Action, ActionStatus
from .notices import tell_owners_of_audit_actions


class TrackerActionBook:
    def of_audit(self, audit: Audit) -> QuerySet[Action]:
        return Action.objects.filter(audit=audit).select_related("owner", "owner__staff")

    def worked_on(self, action: Action) -> bool:
        return action.status != ActionStatus.OPEN or action.notes.exists()

    def submitted(self, audit: Audit, *, since: datetime | None) -> None:
        actions = self.of_audit(audit)
        tell_owners_of_audit_actions(audit, actions.filter(created_at__gt=since) if since else actions)

    def add(self, audit: Audit, *, description: str, owner: User, due_on: date, created_by: User) -> Action:
        return Action.objects.create(
            audit=audit,
            case=audit.case,
            team=audit.case.team,
            description=description,
            owner=owner,
            due_on=due_on,
            created_by=created_by,
        )
