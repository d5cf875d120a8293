"""A cycle as the QA team runs it, for the committee paper's tests: named workers, managers and auditors,
audits submitted and moderated with evidence, findings and actions, a recommendation, one audit late and one
not done. Every name and Child Unique ID here must stay out of the paper."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from html import unescape

from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.audits.models import (
    Audit,
    AuditStatus,
    EvidenceSource,
    EvidenceUse,
    Finding,
    FindingKind,
    Theme,
)
from caseaudit.audits.templates_store import default_template
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionKind, ActionStatus

from ..conftest import Personas
from ..cycles.builders import make_cycle
from ..factories import make_case, make_staff

TODAY = date(2026, 12, 10)  # the paper's date: after Autumn 2026 ended on 30 November
# (cohort, auditor's grade, moderated grade, completed on, evidence beyond the record, not triangulated)
AUDITS = [
    ("care-leaver", "good", "good", date(2026, 10, 20), 2, False),
    ("care-leaver", "outstanding", "good", date(2026, 10, 21), 3, False),
    ("care-leaver", "good", "good", date(2026, 11, 2), 1, False),
    ("care-leaver", "requires-improvement", "requires-improvement", date(2026, 11, 3), 1, False),
    ("child-in-need", "good", "outstanding", date(2026, 11, 10), 2, False),
    ("child-in-need", "inadequate", "", date(2026, 11, 12), 0, True),  # submitted, not moderated
    ("looked-after", "good", "good", date(2026, 12, 2), 1, False),  # after the deadline
    ("looked-after", "", "", None, 0, False),  # not done
]
WORKER_NAMES = ("Priya Practitioner", "Marek Keyworker", "Lola Adviser")


@dataclass
class LiveCycle:
    cycle: Cycle
    audits: list[Audit]
    child_ids: list[str]
    names: list[str]  # every person's name and username


def build_live_cycle(personas: Personas) -> LiveCycle:
    auditor = personas.auditor
    User.objects.filter(pk=auditor.pk).update(first_name="Ada", last_name="Lovelace")
    workers = [make_staff(name) for name in WORKER_NAMES]
    cases = [personas.own_case, personas.other_case]
    for index, (cohort, *_rest) in enumerate(AUDITS[2:]):
        cases.append(make_case(f"Q{index + 1:06d}", cohort, worker=workers[index % len(workers)]))
    cycle = make_cycle(cases, name="Autumn 2026", focus="care-leaver")
    template = default_template()
    themes = [
        Theme.objects.get_or_create(slug="planning", defaults={"label": "Planning"})[0],
        Theme.objects.get_or_create(slug="recording", defaults={"label": "Recording"})[0],
    ]
    audits = []
    for case, (cohort, grade, moderated, completed_on, sources, alone) in zip(cases, AUDITS, strict=True):
        audit = Audit.objects.get(cycle=cycle, case=case)
        audit.cohort, audit.auditor = cohort, auditor
        if completed_on:
            audit.status = AuditStatus.MODERATED if moderated else AuditStatus.SUBMITTED
            audit.template, audit.grade_scale = template, template.grade_scale
            audit.auditor_grade, audit.moderated_grade = grade, moderated
            audit.completed_on, audit.not_triangulated = completed_on, alone
            audit.submitted_at = timezone.make_aware(datetime.combine(completed_on, time(12)))
        else:
            audit.status = AuditStatus.IN_PROGRESS
        audit.save()
        audits.append(audit)
        extra = [s for s in EvidenceSource.values if s != EvidenceSource.RECORD_REVIEW][:sources]
        for source in [EvidenceSource.RECORD_REVIEW, *extra] if completed_on else []:
            EvidenceUse.objects.create(audit=audit, source=source, used_on=completed_on)
        if completed_on:
            Finding.objects.create(
                audit=audit, kind=FindingKind.ISSUE, theme=themes[1], text=f"{case.child_id}: notes late."
            )
            if grade == "good":
                Finding.objects.create(
                    audit=audit, kind=FindingKind.STRENGTH, theme=themes[0], text="Plan is clear."
                )
    for index, status in enumerate((ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.DONE)):
        Action.objects.create(
            kind=ActionKind.ACTION,
            audit=audits[index],
            case=audits[index].case,
            description=f"{WORKER_NAMES[0]} to update the plan of {audits[index].case.child_id}.",
            owner=personas.worker,
            due_on=date(2026, 12, 1) if index == 0 else date(2027, 1, 15),
            status=status,
        )
    Action.objects.create(
        kind=ActionKind.RECOMMENDATION,
        cycle=cycle,
        description="Review pathway plans within six months.",
        owner=personas.qa_lead,
        due_on=date(2027, 3, 31),
    )
    people = [personas.auditor, personas.worker, personas.team_manager, personas.qa_lead, personas.outsider]
    names = [
        "Ada Lovelace",
        *WORKER_NAMES,
        *(p.staff.name for p in people if p.staff),
    ]
    return LiveCycle(cycle, audits, [c.child_id for c in cases], names)


def page_text(html: str) -> str:
    """A page's text as a reader sees it: no tags, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
