"""Re-auditing Inadequate cases (docs/domain.md#re-audit-after-inadequate;
issue 6, scope 6).

A case whose latest moderated grade is Inadequate is due for re-audit a set number of weeks after that
moderation (12 by default, `CASEAUDIT_REAUDIT_WEEKS`), until a later audit of the case exists (completed,
or planned in a confirmed cycle). It is computed from the audits every time, never stored, so it is never
stale: a re-moderation, a new audit or a cancelled plan changes it at once.

A cycle whose window ends on or after the due date must audit the case, whatever the 12-month rule says
(`sample_with_reaudits`). Pure functions over plain records, like `sampling`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from .sampling import Candidate, Pick, plan_sample

INADEQUATE = "inadequate"  # the Ofsted scale's worst grade; other scales have no re-audit rule (yet)
REAUDIT_AFTER_INADEQUATE = "reaudit-inadequate"
DEFAULT_REAUDIT_WEEKS = 12


class ModeratedAudit(NamedTuple):
    case_id: int
    audit_id: int
    audited_on: date  # when it was completed, or its cycle's start
    moderated_on: date
    grade: str  # the moderated grade


class AuditDate(NamedTuple):
    """Any audit of a case, completed or planned in a confirmed cycle, and the day it counts from."""

    case_id: int
    audit_id: int
    on_date: date


class ReAuditDue(NamedTuple):
    case_id: int
    audit_id: int  # the Inadequate audit
    moderated_on: date
    due_on: date


def reaudit_due_on(moderated_on: date, weeks: int = DEFAULT_REAUDIT_WEEKS) -> date:
    """The re-audit is due `weeks` whole weeks after the moderation that set the grade."""
    return moderated_on + timedelta(weeks=weeks)


def reaudits_due(
    moderated: Iterable[ModeratedAudit], audits: Iterable[AuditDate], *, weeks: int = DEFAULT_REAUDIT_WEEKS
) -> list[ReAuditDue]:
    """The cases still waiting for their re-audit, earliest due first.

    Per case, the latest moderated audit (by moderation date, then audit date, then id) decides: if its
    grade is Inadequate, the case is due `weeks` after that moderation, unless another audit of the case
    counts from a later day than the Inadequate one (the re-audit has happened or is planned)."""
    latest: dict[int, ModeratedAudit] = {}
    for audit in moderated:
        held = latest.get(audit.case_id)
        if held is None or _order(audit) > _order(held):
            latest[audit.case_id] = audit
    inadequate = {case_id: a for case_id, a in latest.items() if a.grade == INADEQUATE}
    followed = {
        other.case_id
        for other in audits
        if (bad := inadequate.get(other.case_id)) is not None
        and other.audit_id != bad.audit_id
        and other.on_date > bad.audited_on
    }
    due = [
        ReAuditDue(a.case_id, a.audit_id, a.moderated_on, reaudit_due_on(a.moderated_on, weeks))
        for case_id, a in inadequate.items()
        if case_id not in followed
    ]
    return sorted(due, key=lambda r: (r.due_on, r.case_id))


def _order(audit: ModeratedAudit) -> tuple[date, date, int]:
    return (audit.moderated_on, audit.audited_on, audit.audit_id)


def sample_with_reaudits(
    candidates: Iterable[Candidate],
    reaudits: Sequence[Candidate],
    *,
    size: int,
    focus: str | None,
    seed: int,
) -> list[Pick]:
    """The sample with every case due for re-audit in it first, whatever its last audit date, each with
    the reason "re-audit after Inadequate"; the remaining places (if any) are planned by
    `sampling.plan_sample` from the other candidates. Re-audits count towards the size but are never
    left out for it: a child at risk of harm comes before the sample's shape."""
    required: dict[int, Candidate] = {}
    for candidate in sorted(reaudits):
        required.setdefault(candidate.case_id, candidate)
    picks = [Pick(c.case_id, c.cohort, REAUDIT_AFTER_INADEQUATE) for c in required.values()]
    # A generator, not a list: plan_sample sorts what it is given, and a copy of a million candidates
    # would cost as much as that sort.
    rest = (c for c in candidates if c.case_id not in required)
    return picks + plan_sample(rest, size=max(size - len(picks), 0), focus=focus, seed=seed)
