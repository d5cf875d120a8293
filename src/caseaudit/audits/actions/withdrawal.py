"""Withdrawing an audit: a case that closed while it was in a live sample may leave nothing to audit, and
the QA lead takes its audit out of the cycle's work, with a reason kept beside it. A withdrawn audit is no
longer due, late or overdue, counts in no figures, and can no longer be changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change, redacted
from caseaudit.locking import claim_version
from caseaudit.policy import Actor

from ..models import DONE, Audit, AuditStatus, Withdrawal

REASON_MAX = 300
NEEDS_REASON = "Enter why the audit is withdrawn"
SUBMITTED_STAYS = (
    "A submitted audit is not withdrawn: it counts in the cycle's figures as it stands, whether or not the "
    "case has since closed."
)
CASE_STILL_OPEN = (
    "Only the audit of a closed case can be withdrawn: while the case is open, reallocate the audit instead."
)


@changes_state
def withdraw_audit(
    audit: Audit, *, reason: str, expected_version: int | None = None, acting_user: Actor
) -> None:
    """Take the audit of a closed case out of its cycle. `expected_version` defaults to the version the
    caller holds, so an audit submitted meanwhile is not withdrawn on a stale page."""
    policy.require(acting_user, policy.WITHDRAW_AUDITS, audit)
    reason = reason.strip()
    if audit.status in DONE:
        raise ValidationError(SUBMITTED_STAYS)
    if audit.status == AuditStatus.WITHDRAWN:
        raise ValidationError("This audit has already been withdrawn.")
    if audit.case.closed_on is None:
        raise ValidationError(CASE_STILL_OPEN)
    if not reason:
        raise ValidationError(NEEDS_REASON)
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Reason must be {REASON_MAX} characters or fewer")
    claim_version(audit, expected_version, thing="audit")
    old = {"status": audit.status}
    audit.status = AuditStatus.WITHDRAWN
    audit.save(update_fields=["status", "updated_at"])
    Withdrawal.objects.create(audit=audit, reason=reason, by=policy.named(acting_user))
    record_change(
        acting_user,
        "audit.withdrawn",
        audit,
        old=old,
        new={"status": audit.status, "reason": redacted(reason)},
    )
