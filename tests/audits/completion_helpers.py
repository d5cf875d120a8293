"""Shared builders for the completion tests: an allocated audit of the personas' own case, and a filled-in
audit ready to submit."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.models import Audit

from ..conftest import Personas
from ..cycles.builders import allocate_to, make_cycle


def allocated_audit(personas: Personas) -> Audit:
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    return cycle.audits.get()


def started_audit(personas: Personas) -> Audit:
    audit = allocated_audit(personas)
    completing.start_audit(audit, acting_user=personas.auditor)
    return audit


def fill_sections(audit: Audit, user: User) -> None:
    for section in completion.sections_of(audit):
        completing.save_section(
            audit,
            section.slug,
            grade="good",
            evidence=f"Evidence for {section.slug}",
            analysis=f"Analysis for {section.slug}",
            answers={},
            expected_version=audit.version,
            acting_user=user,
        )


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def ready_to_submit(personas: Personas, *, triangulated: bool = True) -> Audit:
    audit = started_audit(personas)
    user = personas.auditor
    fill_sections(audit, user)
    completing.record_evidence(
        audit, "record-review", used_on=yesterday(), note="", expected_version=audit.version, acting_user=user
    )
    if triangulated:
        completing.record_evidence(
            audit,
            "worker-interview",
            used_on=yesterday(),
            note="Allocated worker",
            expected_version=audit.version,
            acting_user=user,
        )
    completing.save_overall(
        audit, grade="good", rationale="Good help.", expected_version=audit.version, acting_user=user
    )
    return audit
