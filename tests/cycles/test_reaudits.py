"""Re-audit after Inadequate: computed from the audits, and visible in the next cycle's plan, where the
case is sampled with that reason even though it was audited less than 12 months before."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseaudit.audits.actions.moderation import change_grade
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent, SelectionReason
from caseaudit.cycles.actions import confirm_cycle, plan_cycle
from caseaudit.cycles.planning import propose_cycle
from caseaudit.cycles.reaudits import outstanding_reaudits

from ..audits.test_moderation import submitted_audit
from ..cycles.builders import make_cycle


def _moderated(audit: Audit, grade: str, on: date) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.MODERATED, moderated_grade=grade)
    event = ModerationEvent.objects.create(audit=audit, kind=ModerationEvent.Kind.AGREED, to_grade=grade)
    at = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    ModerationEvent.objects.filter(pk=event.pk).update(at=at)
    audit.refresh_from_db()
    return audit


@pytest.fixture
def inadequate(personas):
    """The own case audited in Autumn 2026 and moderated Inadequate on 10 November 2026."""
    cycle = make_cycle([personas.other_case])
    audit = submitted_audit(personas.own_case, personas.auditor, "inadequate", cycle=cycle)
    Audit.objects.filter(pk=audit.pk).update(completed_on=date(2026, 11, 2))
    return _moderated(audit, "inadequate", date(2026, 11, 10))


def test_the_reaudit_is_due_weeks_after_the_moderation(personas, inadequate, settings):
    (due,) = outstanding_reaudits()
    assert (due.case_id, due.audit_id, due.moderated_on, due.due_on) == (
        personas.own_case.pk,
        inadequate.pk,
        date(2026, 11, 10),
        date(2027, 2, 2),
    )
    settings.CASEAUDIT_REAUDIT_WEEKS = 4
    assert outstanding_reaudits()[0].due_on == date(2026, 12, 8)


def test_a_case_moderated_up_from_inadequate_is_not_due(personas, inadequate):
    change_grade(
        inadequate,
        grade="requires-improvement",
        reason="The risks were managed.",
        expected_version=inadequate.version,
        acting_user=personas.qa_lead,
    )
    assert outstanding_reaudits() == []


def test_the_next_cycle_samples_the_case_with_the_reason(personas, inadequate):
    proposal = propose_cycle(season="spring", year=2027, size=1, seed=7)
    # Audited in October 2026, so not eligible by the 12-month rule, but due for re-audit by 31 May.
    assert [(p.case_id, p.reason) for p in proposal.picks] == [
        (personas.own_case.pk, SelectionReason.REAUDIT_AFTER_INADEQUATE)
    ]
    cycle = plan_cycle(proposal, acting_user=personas.qa_lead)
    # A draft blocks nothing: the re-audit is still outstanding until the sample is confirmed.
    assert len(outstanding_reaudits()) == 1
    confirm_cycle(cycle, acting_user=personas.qa_lead)
    assert outstanding_reaudits() == []
    assert cycle.audits.get(case=personas.own_case).reason == SelectionReason.REAUDIT_AFTER_INADEQUATE


def test_a_cycle_ending_before_the_due_date_does_not_take_it(personas, inadequate, settings):
    settings.CASEAUDIT_REAUDIT_WEEKS = 40  # due 17 August 2027, after spring's end
    proposal = propose_cycle(season="spring", year=2027, size=2, seed=7)
    assert all(p.reason != SelectionReason.REAUDIT_AFTER_INADEQUATE for p in proposal.picks)


def test_a_closed_case_is_not_reaudited(personas, inadequate):
    personas.own_case.closed_on = date(2027, 1, 15)
    personas.own_case.save()
    proposal = propose_cycle(season="spring", year=2027, size=2, seed=7)
    assert personas.own_case.pk not in {p.case_id for p in proposal.picks}


def test_the_plan_page_and_the_reaudit_list_show_it(client, personas, inadequate):
    client.force_login(personas.qa_lead)
    listing = client.get(reverse("actions:reaudits"))
    assert personas.own_case.child_id in listing.text and "2 Feb 2027" in listing.text
    cycle = plan_cycle(
        propose_cycle(season="spring", year=2027, size=1, seed=7), acting_user=personas.qa_lead
    )
    page = client.get(reverse("cycles:detail", args=[cycle.pk]))
    assert "Re-audit after Inadequate" in page.text


def test_the_reaudit_list_leaves_out_a_closed_case(client, personas, inadequate):
    personas.own_case.closed_on = date(2026, 12, 1)
    personas.own_case.save()
    client.force_login(personas.qa_lead)
    listing = client.get(reverse("actions:reaudits"))
    assert personas.own_case.child_id not in listing.text


def test_the_draft_sample_explains_a_cohort_with_more_re_audits_than_eligible(client, personas, inadequate):
    cycle = plan_cycle(
        propose_cycle(season="spring", year=2027, size=1, seed=7), acting_user=personas.qa_lead
    )
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "including 1 re-audit" in page
    assert "so it is not counted as eligible" in page
