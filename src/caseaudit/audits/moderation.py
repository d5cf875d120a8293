"""Moderation (docs/domain.md#moderate): the QA team agrees a submitted audit's grade, changes it
with a reason, or returns the audit to the auditor with comments. Reports use the moderated grade and
keep the auditor's beside it; every step is a ModerationEvent, so the full history stays.

Views call these actions and nothing else changes an audit's moderation. Each checks permission, claims
the audit's version first (a stale page is refused with EditConflict, never overwrites), runs in one
transaction and writes the access log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.core.agreement import agreement_summary, weighted_kappa

from .locking import claim_version
from .models import Audit, AuditStatus, ModerationEvent

MODERATORS = (Role.QA_LEAD, Role.MODERATOR)
COMMENTS_MAX_LENGTH = 5000

T = TypeVar("T")


def may_moderate(user: object) -> bool:
    """The QA lead and moderators moderate; everyone else is refused before any audit is read."""
    return isinstance(user, User) and user.is_active and user.role in MODERATORS


def _require_moderator(user: User, audit: Audit) -> None:
    if not may_moderate(user):
        raise PermissionDenied("Only the QA lead or a moderator may moderate audits.")
    if audit.auditor_id is not None and audit.auditor_id == user.pk:
        raise PermissionDenied("You audited this case, so another moderator must moderate it.")


def _changing(audit: Audit, expected_version: int, change: Callable[[], T]) -> T:
    """Claim the version, then make the change, in one transaction. If anything refuses, the database
    rolls back and the audit in memory keeps the version the person was looking at."""
    before = audit.version
    try:
        with transaction.atomic():
            claim_version(audit, expected_version)
            # The version was current, so the audit's state is what it is now in the database.
            audit.refresh_from_db(fields=["status", "auditor_grade", "moderated_grade", "grade_scale"])
            return change()
    except BaseException:
        audit.version = before
        raise


def _require_status(audit: Audit, *allowed: str, doing: str) -> None:
    if audit.status not in allowed:
        raise ValidationError(
            f"This audit is {audit.get_status_display().lower()}, so you cannot {doing}: only a submitted "
            "audit can be moderated."
        )


def _save(audit: Audit, event: ModerationEvent, user: User, detail: str) -> ModerationEvent:
    audit.save(update_fields=["status", "moderated_grade", "updated_at"])
    event.audit = audit
    event.by = user
    event.save()
    record_access(user, "update", "audit", audit.pk, f"moderation: {detail}")
    return event


def agree_grade(audit: Audit, *, expected_version: int, acting_user: User) -> ModerationEvent:
    """The moderator agrees the auditor's grade: it becomes the moderated grade."""
    _require_moderator(acting_user, audit)

    def change() -> ModerationEvent:
        _require_status(audit, AuditStatus.SUBMITTED, doing="agree its grade")
        if not audit.auditor_grade:
            raise ValidationError("This audit has no grade from the auditor to agree.")
        audit.moderated_grade = audit.auditor_grade
        audit.status = AuditStatus.MODERATED
        event = ModerationEvent(
            kind=ModerationEvent.Kind.AGREED, from_grade=audit.auditor_grade, to_grade=audit.auditor_grade
        )
        return _save(audit, event, acting_user, f"agreed {audit.auditor_grade}")

    return _changing(audit, expected_version, change)


def change_grade(
    audit: Audit, *, grade: str, reason: str, expected_version: int, acting_user: User
) -> ModerationEvent:
    """The moderator gives a different grade, with a reason. A moderated audit may be moderated again
    (the QA lead overruling a moderator, say): the event then records the change from the previous
    moderated grade, and the grade may go back to the auditor's."""
    _require_moderator(acting_user, audit)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter the reason for changing the grade.")
    if len(reason) > COMMENTS_MAX_LENGTH:
        raise ValidationError(f"The reason must be {COMMENTS_MAX_LENGTH} characters or fewer.")

    def change() -> ModerationEvent:
        _require_status(audit, AuditStatus.SUBMITTED, AuditStatus.MODERATED, doing="change its grade")
        scale = audit.grade_scale
        if scale is None:
            raise ValidationError("This audit has no grade scale, so its grade cannot be changed here.")
        if grade not in scale.slugs:
            raise ValidationError(f"Select a grade on the {scale.name}.")
        remoderating = audit.status == AuditStatus.MODERATED
        previous = audit.moderated_grade if remoderating else audit.auditor_grade
        if grade == previous:
            raise ValidationError(
                f"The grade is already {scale.label(grade)}. "
                + ("Select a different grade." if remoderating else "To keep it, agree the grade instead.")
            )
        audit.moderated_grade = grade
        audit.status = AuditStatus.MODERATED
        event = ModerationEvent(
            kind=ModerationEvent.Kind.CHANGED, from_grade=previous, to_grade=grade, comments=reason
        )
        return _save(audit, event, acting_user, f"changed {previous} to {grade}")

    return _changing(audit, expected_version, change)


def return_audit(audit: Audit, *, comments: str, expected_version: int, acting_user: User) -> ModerationEvent:
    """The moderator sends a submitted audit back to the auditor for more work, saying what is needed.
    The auditor then edits and submits it again, which records a new "submitted" event."""
    _require_moderator(acting_user, audit)
    comments = comments.strip()
    if not comments:
        raise ValidationError("Enter comments for the auditor: say what more work is needed.")
    if len(comments) > COMMENTS_MAX_LENGTH:
        raise ValidationError(f"The comments must be {COMMENTS_MAX_LENGTH} characters or fewer.")

    def change() -> ModerationEvent:
        _require_status(audit, AuditStatus.SUBMITTED, doing="return it")
        audit.status = AuditStatus.RETURNED
        event = ModerationEvent(
            kind=ModerationEvent.Kind.RETURNED,
            from_grade=audit.auditor_grade,
            to_grade=audit.auditor_grade,
            comments=comments,
        )
        return _save(audit, event, acting_user, "returned to the auditor")

    return _changing(audit, expected_version, change)


# Statistics -----------------------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    """One auditor's moderated audits (or, with `auditor_id` None and `overall` set, everyone's)."""

    auditor_id: int | None
    name: str
    n: int
    agreed: int
    agreement_rate: float | None
    moved_up: int
    moved_down: int
    kappa: float | None  # linear weighted kappa; None when undefined or the audits mix grade scales
    mixed_scales: bool = False
    overall: bool = False


def moderation_statistics(audits: QuerySet[Audit]) -> list[AgreementRow]:
    """Agreement between auditors and moderators, per auditor (by name) and then overall, over the
    moderated audits in `audits` whose two grades are both on the audit's own scale.

    Grades become indexes on each audit's scale, worst first, so "moved up" means the moderator gave a
    better grade. Kappa compares grades on one scale only: where audits on different scales are mixed,
    it is left out (agreement and moves are still counted)."""
    moderated = (
        audits.filter(status=AuditStatus.MODERATED, grade_scale__isnull=False)
        .exclude(auditor_grade="")
        .exclude(moderated_grade="")
        .select_related("auditor", "grade_scale")
        .order_by()
    )
    by_auditor: dict[int | None, list[tuple[int, int, int, int]]] = defaultdict(list)
    names: dict[int | None, str] = {}
    for audit in moderated:
        scale = audit.grade_scale
        assert scale is not None  # filtered above
        slugs = scale.slugs
        if audit.auditor_grade not in slugs or audit.moderated_grade not in slugs:
            continue
        pair = (slugs.index(audit.auditor_grade), slugs.index(audit.moderated_grade))
        by_auditor[audit.auditor_id].append((*pair, scale.pk, len(slugs)))
        if audit.auditor_id not in names:
            auditor = audit.auditor
            names[audit.auditor_id] = (
                (auditor.get_full_name() or auditor.username) if auditor else "No auditor recorded"
            )
    rows = [
        _row(auditor_id, names[auditor_id], graded)
        for auditor_id, graded in sorted(by_auditor.items(), key=lambda item: names[item[0]].lower())
    ]
    everyone = [graded for values in by_auditor.values() for graded in values]
    rows.append(_row(None, "All auditors", everyone, overall=True))
    return rows


def _row(
    auditor_id: int | None, name: str, graded: Iterable[tuple[int, int, int, int]], *, overall: bool = False
) -> AgreementRow:
    graded = list(graded)
    pairs = [(i, j) for i, j, _, _ in graded]
    scales = {(scale_id, size) for _, _, scale_id, size in graded}
    summary = agreement_summary(pairs)
    kappa = weighted_kappa(pairs, next(iter(scales))[1], "linear") if len(scales) == 1 else None
    return AgreementRow(
        auditor_id=auditor_id,
        name=name,
        n=summary["n"],
        agreed=summary["agreed"],
        agreement_rate=summary["agreement_rate"],
        moved_up=summary["moved_up"],
        moved_down=summary["moved_down"],
        kappa=kappa,
        mixed_scales=len(scales) > 1,
        overall=overall,
    )
