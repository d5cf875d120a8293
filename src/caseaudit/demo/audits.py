"""The demo's finished work: some of the demo cycle's audits completed and submitted by their auditors,
and some of those moderated, so that every journey has something to show. All text is generated from a
small bank of phrases: synthetic, like everything in the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions import moderation as moderating
from caseaudit.audits.models import Audit, EvidenceSource, FindingKind
from caseaudit.cycles.models import Cycle

# Grades worst first, weighted as a typical authority's audits fall: mostly good or requires improvement.
_WEIGHTS = (0.06, 0.36, 0.46, 0.12)
_EVIDENCE = (
    "The record shows visits in line with the plan and case notes written up within the week.",
    "Recent case notes describe direct work with the young person and their views in their own words.",
    "The plan was reviewed on time; actions are specific and owned, though some lack dates.",
    "Supervision notes record decisions, but the rationale for the latest change of plan is thin.",
)
_ANALYSIS = (
    "Practice here is consistent and the young person is known well by their worker.",
    "The work is purposeful but recording lags behind events, which weakens management oversight.",
    "There is some drift between reviews; the impact of the plan on outcomes is not yet clear.",
)
_RATIONALE = (
    "The grade reflects the sections above: strengths in the relationship, gaps in recording and oversight."
)


def complete_demo_audits(cycle: Cycle, *, submitted: int, moderated: int, seed: int) -> tuple[int, int]:
    """Complete and submit `submitted` of the cycle's allocated audits through the same actions auditors
    use, then moderate `moderated` of those as the demo moderator. Returns the two counts done."""
    rng = random.Random(seed)
    # The demo's own moderator (a QA lead may moderate too, but the demo shows the moderator's work).
    moderator = User.objects.filter(username="moderator", is_active=True).first()
    audits = list(cycle.audits.filter(auditor__isnull=False).select_related("auditor", "case").order_by("pk"))
    done: list[Audit] = []
    for audit in audits[:submitted]:
        _complete(audit, rng)
        done.append(audit)
    moderated_count = 0
    if moderator is None:
        return len(done), 0
    for audit in done[:moderated]:
        audit.refresh_from_db()
        if rng.random() < 0.7:
            moderating.agree_grade(audit, expected_version=audit.version, acting_user=moderator)
        else:
            scale = _scale(audit)
            current = scale.index(audit.auditor_grade)
            other = scale[max(0, current - 1)] if current else scale[1]
            moderating.change_grade(
                audit,
                grade=other,
                reason="The evidence of management oversight does not support the auditor's grade.",
                expected_version=audit.version,
                acting_user=moderator,
            )
        moderated_count += 1
    return len(done), moderated_count


def _complete(audit: Audit, rng: random.Random) -> None:
    auditor = audit.auditor
    assert auditor is not None
    completing.start_audit(audit, acting_user=auditor)
    scale = _scale(audit)
    for section in completion.sections_of(audit):
        completing.save_section(
            audit,
            section.slug,
            grade=rng.choices(scale, weights=_WEIGHTS[: len(scale)])[0],
            evidence=rng.choice(_EVIDENCE),
            analysis=rng.choice(_ANALYSIS),
            answers={},
            expected_version=audit.version,
            acting_user=auditor,
        )
    sources = [EvidenceSource.RECORD_REVIEW, EvidenceSource.WORKER_INTERVIEW]
    if rng.random() < 0.5:
        sources.append(EvidenceSource.MANAGER_DISCUSSION)
    for source in sources:
        completing.record_evidence(
            audit, source, used_on=date.today(), note="", expected_version=audit.version, acting_user=auditor
        )
    themes = list(completion.active_themes())
    if themes:
        theme = rng.choice(themes)
        completing.add_finding(
            audit,
            kind=rng.choice([FindingKind.STRENGTH, FindingKind.ISSUE]),
            theme=theme,
            text="Case notes are written up late, so the record does not yet tell the child's story.",
            expected_version=audit.version,
            acting_user=auditor,
        )
    owners = list(completion.action_owners(audit))
    if owners:
        # A per-case action for the improvement tracker, due within the next two months.
        completing.add_action(
            audit,
            description="Bring the case recording up to date and record the manager's oversight.",
            owner=rng.choice(owners),
            due_on=timezone.localdate() + timedelta(days=rng.randint(3, 60)),
            expected_version=audit.version,
            acting_user=auditor,
        )
    completing.save_overall(
        audit,
        grade=rng.choices(scale, weights=_WEIGHTS[: len(scale)])[0],
        rationale=_RATIONALE,
        expected_version=audit.version,
        acting_user=auditor,
    )
    completing.submit_audit(audit, expected_version=audit.version, acting_user=auditor)


def _scale(audit: Audit) -> list[str]:
    assert audit.grade_scale is not None  # set when the audit starts
    return audit.grade_scale.slugs
