"""Moderation (docs/domain.md#moderate): the QA team agrees a submitted audit's grade, changes it
with a reason, or returns the audit to the auditor with comments. Reports use the moderated grade and
keep the auditor's beside it; every step is a ModerationEvent, so the full history stays.

This module holds what moderation reads: which decisions an audit's status allows, and the agreement
between auditors and moderators. The decisions themselves are `actions.moderation`; who may make them is
`policy.MODERATE`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from caseaudit.accounts.models import User
from caseaudit.core.agreement import agreement_summary, weighted_kappa

from .models import Audit, AuditStatus, GradeScale

COMMENTS_MAX_LENGTH = 5000

# The statuses each decision may be made from. A moderated audit may be moderated again (the QA lead
# overruling a moderator, say), but only by changing its grade: it is never agreed or returned twice.
AGREE_FROM = (AuditStatus.SUBMITTED,)
CHANGE_FROM = (AuditStatus.SUBMITTED, AuditStatus.MODERATED)
RETURN_FROM = (AuditStatus.SUBMITTED,)


# Whether the audit's state leaves each decision open, whoever would make it: what the page offers.


def agreeable(audit: Audit) -> bool:
    return audit.status in AGREE_FROM and bool(audit.auditor_grade)


def grade_changeable(audit: Audit) -> bool:
    return audit.status in CHANGE_FROM and audit.grade_scale is not None


def returnable(audit: Audit) -> bool:
    return audit.status in RETURN_FROM


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
    # Counted in the database, one row per auditor, scale and pair of grades: a cycle's 20,000 moderated
    # audits are a few hundred rows, not 20,000 audits read whole.
    counted = list(
        audits.filter(status=AuditStatus.MODERATED, grade_scale__isnull=False)
        .exclude(auditor_grade="")
        .exclude(moderated_grade="")
        .values_list("auditor_id", "grade_scale_id", "auditor_grade", "moderated_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    scales = {scale.pk: scale for scale in GradeScale.objects.filter(pk__in={row[1] for row in counted})}
    auditors = {user.pk: user for user in User.objects.filter(pk__in={row[0] for row in counted})}
    by_auditor: dict[int | None, list[tuple[int, int, int, int]]] = defaultdict(list)
    names: dict[int | None, str] = {}
    for auditor_id, scale_id, auditor_grade, moderated_grade, n in counted:
        slugs = scales[scale_id].slugs
        if auditor_grade not in slugs or moderated_grade not in slugs:
            continue
        pair = (slugs.index(auditor_grade), slugs.index(moderated_grade))
        by_auditor[auditor_id].extend([(*pair, scale_id, len(slugs))] * n)
        if auditor_id not in names:
            auditor = auditors.get(auditor_id) if auditor_id is not None else None
            names[auditor_id] = (
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
