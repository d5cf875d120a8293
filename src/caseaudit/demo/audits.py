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
from caseaudit.audits.actions.practice_feedback import save_practice_feedback
from caseaudit.audits.models import Audit, EvidenceSource, FindingKind
from caseaudit.cycles.models import Cycle

# Grades worst first, weighted as a typical authority's audits fall: mostly good or requires improvement.
_WEIGHTS = (0.06, 0.36, 0.46, 0.12)
# What an auditor writes depends on the grade they give: the phrases for each band of the four-point scale
# (worst first), so that an inadequate section is never described as consistent good practice.
_EVIDENCE = (
    (
        "Visits are months apart and the plan's actions have not been reviewed since it was written.",
        "The record has no case notes for several weeks and no sign of the young person's views.",
    ),
    (
        "The plan was reviewed on time; actions are specific and owned, though some lack dates.",
        "Supervision notes record decisions, but the rationale for the latest change of plan is thin.",
    ),
    (
        "The record shows visits in line with the plan and case notes written up within the week.",
        "Recent case notes describe direct work with the young person and their views in their own words.",
    ),
    (
        "Every visit is recorded promptly, with the young person's words and the worker's reflection.",
        "Supervision records each decision and its reason, and the plan shows what changed because of it.",
    ),
)
_ANALYSIS = (
    (
        "There is drift: nobody has checked whether the plan is working, and risks are not reassessed.",
        "Management oversight is missing; the young person's situation is not known well enough to be safe.",
    ),
    (
        "The work is purposeful but recording lags behind events, which weakens management oversight.",
        "There is some drift between reviews; the impact of the plan on outcomes is not yet clear.",
    ),
    (
        "Practice here is consistent and the young person is known well by their worker.",
        "The plan is followed and reviewed; small gaps in recording do not affect the work.",
    ),
    (
        "Practice is consistently strong: the young person's voice shapes the plan, which is working.",
        "Oversight is reflective and timely, and the worker's analysis is clear and child-centred.",
    ),
)
_RATIONALE = (
    "The grade reflects the sections above: serious gaps in planning and oversight leave needs unmet.",
    "The grade reflects the sections above: strengths in the relationship, gaps in recording and oversight.",
    "The grade reflects the sections above: consistent practice with only minor gaps in recording.",
    "The grade reflects the sections above: strong, reflective practice that is improving outcomes.",
)
_FINDINGS = {
    FindingKind.STRENGTH: "The worker knows the young person well and records their views in their words.",
    FindingKind.ISSUE: "Case notes are written up late, so the record does not yet tell the child's story.",
}


def band(scale: list[str], grade: str) -> int:
    """Where `grade` sits on a four-band scale (0 worst, 3 best), whatever the length of `scale`, so that
    text chosen for a grade fits a three- or five-point scale too."""
    index = scale.index(grade)
    return round(index * 3 / (len(scale) - 1)) if len(scale) > 1 else 2


def overall_grade(scale: list[str], grades: list[str]) -> str:
    """The overall grade an auditor would give: the middle of the sections' grades, but never more than one
    step above the worst of them (a serious gap limits the whole)."""
    indexes = sorted(scale.index(g) for g in grades)
    middle = indexes[len(indexes) // 2]
    return scale[min(middle, indexes[0] + 1)]


def complete_demo_audits(
    cycle: Cycle, *, submitted: int, moderated: int, seed: int, today: date | None = None
) -> tuple[int, int]:
    """Complete and submit `submitted` of the cycle's allocated audits through the same actions auditors
    use, then moderate `moderated` of those as the demo moderator. Returns the two counts done.

    An action stamps the real date; the demo's work was done over the weeks since the cycle started, up
    to `today` (the demo's date), so the completion dates are set to days in that span afterwards."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    # The demo's own moderator (a QA lead may moderate too, but the demo shows the moderator's work).
    moderator = User.objects.filter(username="moderator", is_active=True).first()
    audits = list(cycle.audits.filter(auditor__isnull=False).select_related("auditor", "case").order_by("pk"))
    done: list[Audit] = []
    for audit in audits[:submitted]:
        _complete(audit, rng)
        done.append(audit)
    span = max((today - cycle.starts_on).days, 0)
    for audit in done:
        completed_on = cycle.starts_on + timedelta(days=rng.randint(span // 3, span))
        Audit.objects.filter(pk=audit.pk).update(completed_on=min(completed_on, today))
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
    grades = []
    for section in completion.sections_of(audit):
        grade = rng.choices(scale, weights=_WEIGHTS[: len(scale)])[0]
        grades.append(grade)
        completing.save_section(
            audit,
            section.slug,
            grade=grade,
            evidence=rng.choice(_EVIDENCE[band(scale, grade)]),
            analysis=rng.choice(_ANALYSIS[band(scale, grade)]),
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
        kind = rng.choice([FindingKind.STRENGTH, FindingKind.ISSUE])
        completing.add_finding(
            audit,
            kind=kind,
            theme=theme,
            text=_FINDINGS[kind],
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
    overall = (
        overall_grade(scale, grades) if grades else rng.choices(scale, weights=_WEIGHTS[: len(scale)])[0]
    )
    completing.save_overall(
        audit,
        grade=overall,
        rationale=_RATIONALE[band(scale, overall)],
        expected_version=audit.version,
        acting_user=auditor,
    )
    if rng.random() < 0.6:
        # Feedback to the worker and manager: sent when the audit is moderated.
        save_practice_feedback(
            audit,
            went_well=_WENT_WELL[band(scale, overall)],
            next_steps=_NEXT_STEPS[band(scale, overall)],
            expected_version=audit.version,
            acting_user=auditor,
        )
    completing.submit_audit(audit, expected_version=audit.version, acting_user=auditor)


# By band of the overall grade: 0 inadequate or requires improvement, 1 good, 2 outstanding.
_WENT_WELL = (
    "You know the young person well and the record shows it: their worries are written in their own words.",
    "The plan is specific and was reviewed on time; the young person helped write it.",
    "Your direct work changed how the young person sees their future: keep the life-story book going.",
)
_NEXT_STEPS = (
    "Update the plan within two weeks, with a contingency, and ask your manager to record why it changed.",
    "Write visits up within five working days, so the record keeps pace with your work.",
    "Share how you used the life-story work at the next practice forum.",
)


def _scale(audit: Audit) -> list[str]:
    assert audit.grade_scale is not None  # set when the audit starts
    return audit.grade_scale.slugs
