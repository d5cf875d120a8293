"""Changes of state the records app makes: disposing of closed cases past their retention period."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .models import DisposalRecord
from .retention.disposal import closed_cases, remove_case
from .retention.due import review
from .retention.schedule import Schedule

UNCONFIRMED = (
    "The retention schedule {source} is not confirmed, so nothing is disposed of. The authority confirms "
    "its schedule by copying the shipped file, setting confirmed_by and confirmed_on in the copy, and "
    "naming the copy in CASEAUDIT_RETENTION_FILE. `caseaudit retention --dry-run` shows what would go."
)


@changes_state
def dispose_of_due_cases(
    schedule: Schedule, *, today: date, acting_user: policy.Actor, only: Collection[int] | None = None
) -> list[DisposalRecord]:
    """Dispose of every closed case due under `schedule` on `today` (or those of them in `only`, the case
    ids a person confirmed after a dry run: a case that has stopped being due since is kept). All in one
    transaction: if anything fails, nothing is deleted. Each case leaves a DisposalRecord (ids, dates and
    counts, no content) and a "case.disposed" change event; its audits leave their counts for reports."""
    policy.require(acting_user, policy.DISPOSE_RECORDS)
    if not schedule.confirmed or schedule.confirmed_on is None:
        raise ValidationError(UNCONFIRMED.format(source=schedule.source))
    due = review(closed_cases(), schedule, today).due
    if only is not None:
        due = [verdict for verdict in due if verdict.case_id in only]
    if not due:
        raise ValidationError("No closed case is due for disposal: nothing was disposed of.")
    cases = Case.objects.select_for_update().in_bulk([verdict.case_id for verdict in due])
    person = acting_user if isinstance(acting_user, User) else None
    records = []
    for verdict in due:
        assert verdict.due_on is not None and verdict.closed_on is not None
        removed = remove_case(cases[verdict.case_id], today=today)
        record = DisposalRecord.objects.create(
            case_pk=verdict.case_id,
            child_id=verdict.child_id,
            cohort=verdict.cohort,
            closed_on=verdict.closed_on,
            due_on=verdict.due_on,
            rule=str(schedule.rules[verdict.cohort])[:120],
            disposed_by=person,
            disposed_by_name=person.username if person else "system",
            schedule_confirmed_by=schedule.confirmed_by[:200],
            schedule_confirmed_on=schedule.confirmed_on,
            audits=removed.audits,
            actions=removed.actions,
        )
        record_change(
            acting_user,
            "case.disposed",
            ("case", verdict.case_id),
            new={
                "disposal record": record.pk,
                "cohort": verdict.cohort,
                "due_on": verdict.due_on,
                "audits": removed.audits,
                "actions": removed.actions,
            },
        )
        records.append(record)
    return records
