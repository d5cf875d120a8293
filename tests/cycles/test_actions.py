"""Planning, swapping, confirming, allocating and reallocating a cycle, against the database."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caseaudit.accounts.changes import redacted
from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits.models import Audit, Reallocation, SelectionReason
from caseaudit.cycles.actions import (
    allocate_cycle,
    close_cycle,
    confirm_cycle,
    discard_draft,
    plan_cycle,
    reallocate_audit,
    set_audit_capacity,
    swap_case,
)
from caseaudit.cycles.candidates import eligible_candidates
from caseaudit.cycles.models import Cycle, CycleStatus, SampleSwap
from caseaudit.cycles.planning import propose_cycle
from caseaudit.policy import SYSTEM
from tests.factories import make_case, make_staff, make_team, make_user

pytestmark = pytest.mark.django_db


def register(n=20, team=None):
    return [
        make_case(f"K{i:04d}", ["care-leaver", "looked-after", "child-in-need", "early-help"][i % 4], team)
        for i in range(n)
    ]


def planned(season="autumn", year=2018, **options):
    return plan_cycle(
        propose_cycle(season=season, year=year, seed=1, **options), acting_user=SYSTEM, confirm=True
    )


def test_a_cycle_samples_half_the_open_cases_with_reasons():
    register(20)
    make_case("CLOSED", "care-leaver", closed_on=date(2018, 9, 1))
    make_case("LATER", "care-leaver", opened_on=date(2018, 10, 5))
    cycle = planned(focus="care-leaver")
    assert (cycle.name, cycle.starts_on, cycle.ends_on, cycle.seed) == (
        "Autumn 2018",
        date(2018, 10, 1),
        date(2018, 11, 30),
        1,
    )
    audits = cycle.audits.select_related("case")
    assert audits.count() == 10
    assert {a.case.child_id for a in audits}.isdisjoint({"CLOSED", "LATER"})
    assert all(a.reason for a in audits)
    assert audits.filter(case__cohort="care-leaver").count() == 5


def test_the_next_cycle_takes_the_other_half_and_the_year_after_starts_again():
    cases = register(21)
    autumn = planned("autumn", 2018)
    spring = planned("spring", 2019)
    autumn_ids = set(autumn.audits.values_list("case_id", flat=True))
    spring_ids = set(spring.audits.values_list("case_id", flat=True))
    assert autumn_ids.isdisjoint(spring_ids)
    assert autumn_ids | spring_ids == {c.pk for c in cases}
    next_autumn = planned("autumn", 2019)
    assert set(next_autumn.audits.values_list("case_id", flat=True)) <= autumn_ids  # due again after a year


def test_a_completed_historical_audit_counts_from_its_date():
    case = make_case("H1", "care-leaver")
    Audit.objects.create(case=case, cohort=case.cohort, completed_on=date(2018, 3, 1))
    candidates, open_cases = eligible_candidates(date(2018, 10, 1))
    assert open_cases == 1 and candidates == []
    [later] = eligible_candidates(date(2019, 3, 1))[0]
    assert later.last_audited == date(2018, 3, 1)


def test_a_draft_blocks_nothing_and_past_windows_can_be_planned_after_future_ones():
    register(8)
    plan_cycle(propose_cycle(season="spring", year=2019, seed=2), acting_user=SYSTEM)  # a draft
    assert len(eligible_candidates(date(2019, 4, 1))[0]) == 8
    planned("spring", 2019, name="Spring 2019 real")
    # Planning autumn 2018 afterwards: spring 2019's audits are after its start and do not block it.
    assert len(eligible_candidates(date(2018, 10, 1))[0]) == 8


def test_swapping_a_case_needs_a_reason_and_an_eligible_replacement():
    register(10)
    qa_lead = make_user(Role.QA_LEAD)
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1, size=3), acting_user=qa_lead)
    outside = make_case("OUT1", "child-protection")
    removed = cycle.audits.first()
    with pytest.raises(ValidationError, match="Say why"):
        swap_case(cycle, remove=removed, add_child_id="OUT1", reason=" ", acting_user=qa_lead)
    with pytest.raises(ValidationError, match="No case"):
        swap_case(cycle, remove=removed, add_child_id="NOPE", reason="x", acting_user=qa_lead)
    in_sample = cycle.audits.exclude(pk=removed.pk).first().case.child_id
    with pytest.raises(ValidationError, match="already in the sample"):
        swap_case(cycle, remove=removed, add_child_id=in_sample, reason="x", acting_user=qa_lead)
    assert cycle.audits.filter(pk=removed.pk).exists() and not cycle.audits.filter(case=outside).exists()
    assert not SampleSwap.objects.exists()
    audit = swap_case(
        cycle, remove=removed, add_child_id="OUT1", reason="Subject of a complaint", acting_user=qa_lead
    )
    assert audit.case == outside and audit.reason == SelectionReason.SWAPPED_IN
    assert cycle.audits.count() == 3
    swap = SampleSwap.objects.get()
    assert (swap.removed, swap.added, swap.by) == (removed.case, outside, qa_lead)


def test_a_case_audited_recently_cannot_be_swapped_in():
    register(4)
    recent = make_case("RECENT", "care-leaver")
    Audit.objects.create(case=recent, cohort=recent.cohort, completed_on=date(2018, 6, 1))
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1, size=2), acting_user=SYSTEM)
    before = set(cycle.audits.values_list("case_id", flat=True))
    with pytest.raises(ValidationError, match="cannot be sampled"):
        swap_case(cycle, remove=cycle.audits.first(), add_child_id="RECENT", reason="x", acting_user=SYSTEM)
    assert set(cycle.audits.values_list("case_id", flat=True)) == before
    assert not SampleSwap.objects.exists()


def test_confirmed_samples_stay_as_they_are():
    register(4)
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1), acting_user=SYSTEM)
    confirm_cycle(cycle, acting_user=SYSTEM)
    assert Cycle.objects.get().status == CycleStatus.PLANNED
    before = set(cycle.audits.values_list("case_id", flat=True))
    with pytest.raises(ValidationError):
        swap_case(cycle, remove=cycle.audits.first(), add_child_id="K0001", reason="x", acting_user=SYSTEM)
    with pytest.raises(ValidationError):
        discard_draft(cycle, acting_user=SYSTEM)
    assert Cycle.objects.get().status == CycleStatus.PLANNED
    assert set(cycle.audits.values_list("case_id", flat=True)) == before and not SampleSwap.objects.exists()


def test_discarding_a_draft_removes_it():
    register(4)
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1), acting_user=SYSTEM)
    discard_draft(cycle, acting_user=SYSTEM)
    assert not Cycle.objects.exists() and not Audit.objects.exists()


def test_two_cycles_of_one_name_are_refused():
    register(4)
    planned()
    with pytest.raises(ValidationError, match="already a cycle"):
        planned()
    assert Cycle.objects.count() == 1 and Audit.objects.count() == Cycle.objects.get().audits.count()


def test_only_planners_plan_and_only_the_qa_lead_reallocates():
    register(4)
    proposal = propose_cycle(season="autumn", year=2018, seed=1)
    for role in (Role.AUDITOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SENIOR_LEADER):
        with pytest.raises(PermissionDenied):
            plan_cycle(proposal, acting_user=make_user(role))
    assert not Cycle.objects.exists() and not Audit.objects.exists()
    cycle = plan_cycle(proposal, acting_user=make_user(Role.MODERATOR), confirm=True)
    allocate_cycle(cycle, acting_user=make_user(Role.MODERATOR))
    second = make_user(Role.AUDITOR)
    audit = cycle.audits.first()
    first = audit.auditor
    assert first is not None
    with pytest.raises(PermissionDenied):
        reallocate_audit(audit, to_auditor=second, reason="x", acting_user=make_user(Role.MODERATOR))
    audit.refresh_from_db()
    assert audit.auditor == first
    assert not Reallocation.objects.exists()


def test_allocation_balances_and_avoids_the_auditors_own_team():
    north, south = make_team("North"), make_team("South")
    register(12, north)
    register_south = [make_case(f"S{i}", "child-in-need", south) for i in range(6)]
    cycle = planned(size=18)
    peer = make_user(Role.AUDITOR, "peer", staff=make_staff("Pat Peer", north))
    independent = make_user(Role.AUDITOR, "independent")
    result = allocate_cycle(cycle, acting_user=SYSTEM)
    assert not result.unassigned
    assert not cycle.audits.filter(auditor=peer, case__team=north).exists()
    assert cycle.audits.filter(auditor=peer).count() == 6  # all of south's
    assert cycle.audits.filter(auditor=independent).count() == 12
    assert len(register_south) == 6


def test_allocating_twice_only_allocates_what_is_left():
    register(8)
    cycle = planned()
    make_user(Role.AUDITOR, "a1")
    first = allocate_cycle(cycle, acting_user=SYSTEM)
    assert len(first.assigned) == 4
    assert allocate_cycle(cycle, acting_user=SYSTEM).assigned == {}


def test_a_draft_or_no_auditors_cannot_be_allocated():
    register(4)
    draft = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1), acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="Confirm the sample"):
        allocate_cycle(draft, acting_user=SYSTEM)
    confirm_cycle(draft, acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="no auditors"):
        allocate_cycle(draft, acting_user=SYSTEM)
    assert not Audit.objects.filter(auditor__isnull=False).exists()
    assert Cycle.objects.get().status == CycleStatus.PLANNED


def test_reallocation_is_recorded_and_never_to_the_cases_own_team():
    north = make_team("North")
    case = make_case("R1", "care-leaver", north)
    cycle = planned()
    first = make_user(Role.AUDITOR, "first")
    allocate_cycle(cycle, acting_user=SYSTEM)
    audit = cycle.audits.get(case=case)
    qa_lead = make_user(Role.QA_LEAD)
    peer = make_user(Role.AUDITOR, "peer", staff=make_staff("Pat Peer", north))
    with pytest.raises(ValidationError, match="works in this case's team"):
        reallocate_audit(audit, to_auditor=peer, reason="cover", acting_user=qa_lead)
    second = make_user(Role.AUDITOR, "second")
    with pytest.raises(ValidationError, match="Say why"):
        reallocate_audit(audit, to_auditor=second, reason="  ", acting_user=qa_lead)
    audit.refresh_from_db()
    assert audit.auditor == first and not Reallocation.objects.exists()  # refused: nothing moved
    reallocate_audit(audit, to_auditor=second, reason=" first is on leave ", acting_user=qa_lead)
    audit.refresh_from_db()
    assert audit.auditor == second
    moved = Reallocation.objects.get()
    assert (moved.audit, moved.from_auditor, moved.to_auditor, moved.by, moved.reason) == (
        audit,
        first,
        second,
        qa_lead,
        "first is on leave",
    )
    # Recorded once, as a change: the refused reallocations left no trace.
    recorded = ChangeEvent.objects.filter(event="audit.reallocated")
    assert list(recorded.values_list("subject_type", "subject_id")) == [("audit", str(audit.pk))]


@pytest.mark.parametrize("refusal", ["submitted", "moderated", "closed cycle", "inactive", "moderator"])
def test_a_refused_reallocation_changes_nothing(refusal):
    make_case("R1", "care-leaver")
    cycle = planned()
    first = make_user(Role.AUDITOR, "first")
    allocate_cycle(cycle, acting_user=SYSTEM)
    audit = cycle.audits.get()
    to = make_user(Role.MODERATOR if refusal == "moderator" else Role.AUDITOR, "to")
    if refusal in ("submitted", "moderated"):
        Audit.objects.filter(pk=audit.pk).update(status=refusal)
    elif refusal == "closed cycle":
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.CLOSED)
    elif refusal == "inactive":
        to.is_active = False
        to.save()
    audit = Audit.objects.select_related("cycle").get(pk=audit.pk)
    with pytest.raises(ValidationError):
        reallocate_audit(audit, to_auditor=to, reason="cover", acting_user=make_user(Role.QA_LEAD))
    audit.refresh_from_db()
    assert audit.auditor == first
    assert not Reallocation.objects.exists()


def test_a_custom_window_needs_its_dates():
    with pytest.raises(ValidationError, match="start date and an end date"):
        propose_cycle(season="custom", year=2019)
    with pytest.raises(ValidationError, match="ends before it starts"):
        propose_cycle(season="custom", year=2019, starts_on=date(2019, 6, 1), ends_on=date(2019, 5, 1))


def test_allocation_inside_the_window_puts_the_cycle_in_progress():
    register(4)
    cycle = planned()
    make_user(Role.AUDITOR)
    allocate_cycle(cycle, acting_user=SYSTEM, today=date(2018, 9, 20))
    assert Cycle.objects.get().status == CycleStatus.PLANNED
    make_case("NEW", "care-leaver")
    allocate_cycle(cycle, acting_user=SYSTEM, today=date(2018, 10, 2))
    assert Cycle.objects.get().status == CycleStatus.IN_PROGRESS


# The change history -----------------------------------------------------------------------------------------


def only_change(event: str) -> ChangeEvent:
    """The one change event of this kind, checking that it is the newest of all."""
    change = ChangeEvent.objects.get(event=event)
    assert ChangeEvent.objects.first() == change
    return change


def test_planning_confirming_and_closing_are_recorded_with_who_and_what():
    register(4)
    qa_lead = make_user(Role.QA_LEAD)
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=7, size=2), acting_user=qa_lead)
    planned = only_change("cycle.planned")
    assert (planned.actor, planned.subject_type, planned.subject_id, planned.old) == (
        qa_lead,
        "cycle",
        str(cycle.pk),
        {},
    )
    assert planned.new == {
        "name": "Autumn 2018",
        "season": "autumn",
        "year": 2018,
        "starts_on": "2018-10-01",
        "ends_on": "2018-11-30",
        "focus_cohort": "",
        "fraction": None,
        "size": None,
        "status": "draft",
        "audit_type": "case-file",
        "sample_rule": "size",
        "theme": "",
        "template": "",
        "seed": 7,
        "cases": 2,
    }
    confirm_cycle(cycle, acting_user=qa_lead)
    confirmed = only_change("cycle.confirmed")
    assert (confirmed.actor, confirmed.subject_id) == (qa_lead, str(cycle.pk))
    assert (confirmed.old, confirmed.new) == ({"status": "draft"}, {"status": "planned"})
    close_cycle(cycle, acting_user=SYSTEM)
    closed = only_change("cycle.closed")
    assert (closed.actor, closed.actor_name, closed.subject_id) == (None, "system", str(cycle.pk))
    assert (closed.old, closed.new) == ({"status": "planned"}, {"status": "closed"})


def test_a_swap_is_recorded_with_the_cases_out_and_in_and_the_reason():
    register(6)
    cycle = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1, size=2), acting_user=SYSTEM)
    removed = cycle.audits.first()
    removed_pk, removed_case = removed.pk, removed.case_id  # the audit taken out is deleted
    outside = make_case("OUT1", "child-protection")
    moderator = make_user(Role.MODERATOR)
    added = swap_case(
        cycle, remove=removed, add_child_id="OUT1", reason=" A complaint ", acting_user=moderator
    )
    swapped = only_change("cycle.sample-swapped")
    assert (swapped.actor, swapped.subject_type, swapped.subject_id) == (moderator, "cycle", str(cycle.pk))
    assert swapped.old == {"case": removed_case, "audit": removed_pk}
    assert swapped.new == {"case": outside.pk, "audit": added.pk, "reason": redacted("A complaint")}


def test_a_discarded_draft_is_recorded_with_what_it_was():
    register(4)
    qa_lead = make_user(Role.QA_LEAD)
    cycle = plan_cycle(propose_cycle(season="spring", year=2019, seed=3, size=3), acting_user=SYSTEM)
    pk = cycle.pk
    discard_draft(cycle, acting_user=qa_lead)
    discarded = only_change("cycle.discarded")
    assert (discarded.actor, discarded.subject_type, discarded.subject_id) == (qa_lead, "cycle", str(pk))
    assert discarded.new == {}
    assert (discarded.old["name"], discarded.old["status"]) == ("Spring 2019", "draft")
    assert (discarded.old["cases"], discarded.old["swaps"]) == (3, 0)


def test_allocating_is_recorded_with_the_count_and_the_cycle_starting():
    register(4)
    cycle = planned()
    make_user(Role.AUDITOR)
    moderator = make_user(Role.MODERATOR)
    allocate_cycle(cycle, acting_user=moderator, today=date(2018, 10, 2))
    allocated = only_change("cycle.allocated")
    assert (allocated.actor, allocated.subject_id) == (moderator, str(cycle.pk))
    assert allocated.old == {"status": "planned"}
    assert allocated.new == {"allocated": 2, "not_allocated": 0, "status": "in-progress"}
    # Allocating again finds nothing waiting: the run is recorded, and nothing changed.
    allocate_cycle(cycle, acting_user=moderator, today=date(2018, 10, 3))
    again = ChangeEvent.objects.filter(event="cycle.allocated").first()
    assert (again.old, again.new) == ({}, {"allocated": 0, "not_allocated": 0})


def test_a_reallocation_is_recorded_with_both_auditors_and_the_reason():
    register(2)
    cycle = planned()
    first = make_user(Role.AUDITOR, "first")
    allocate_cycle(cycle, acting_user=SYSTEM)
    second = make_user(Role.AUDITOR, "second")
    audit = cycle.audits.first()
    qa_lead = make_user(Role.QA_LEAD)
    reallocate_audit(audit, to_auditor=second, reason="first is on leave ", acting_user=qa_lead)
    moved = only_change("audit.reallocated")
    assert (moved.actor, moved.subject_type, moved.subject_id) == (qa_lead, "audit", str(audit.pk))
    assert (moved.old, moved.new) == (
        {"auditor": first.pk},
        {"auditor": second.pk, "reason": redacted("first is on leave")},
    )


def test_setting_a_capacity_is_recorded_with_the_old_and_new_limit():
    auditor = make_user(Role.AUDITOR)
    qa_lead = make_user(Role.QA_LEAD)
    set_audit_capacity(auditor, 12, acting_user=qa_lead)
    set_audit_capacity(auditor, None, acting_user=qa_lead)
    latest = ChangeEvent.objects.first()
    assert (latest.event, latest.actor, latest.subject_type, latest.subject_id) == (
        "auditor.capacity-set",
        qa_lead,
        "user",
        str(auditor.pk),
    )
    assert (latest.old, latest.new) == ({"audit_capacity": 12}, {"audit_capacity": None})


def test_an_inactive_auditor_keeps_a_capacity_but_others_have_none():
    auditor = make_user(Role.AUDITOR)
    auditor.is_active = False
    auditor.save()
    set_audit_capacity(auditor, 3, acting_user=SYSTEM)
    auditor.refresh_from_db()
    assert auditor.audit_capacity == 3
    with pytest.raises(ValidationError, match="is not an auditor"):
        set_audit_capacity(make_user(Role.MODERATOR), 3, acting_user=SYSTEM)


def test_refused_actions_change_nothing_and_record_nothing():
    register(4)
    draft = plan_cycle(propose_cycle(season="autumn", year=2018, seed=1, size=2), acting_user=SYSTEM)
    ChangeEvent.objects.all().delete()
    worker, moderator = make_user(Role.SOCIAL_WORKER), make_user(Role.MODERATOR)
    auditor = make_user(Role.AUDITOR)
    refusals = [
        (PermissionDenied, lambda: confirm_cycle(draft, acting_user=worker)),
        (PermissionDenied, lambda: discard_draft(draft, acting_user=auditor)),
        (PermissionDenied, lambda: set_audit_capacity(auditor, 4, acting_user=moderator)),
        (ValidationError, lambda: allocate_cycle(draft, acting_user=moderator)),
        (ValidationError, lambda: close_cycle(draft, acting_user=moderator)),
        (
            ValidationError,
            lambda: swap_case(
                draft, remove=draft.audits.first(), add_child_id="NOPE", reason="x", acting_user=moderator
            ),
        ),
    ]
    for refusal, act in refusals:
        with pytest.raises(refusal):
            act()
    assert not ChangeEvent.objects.exists()
    assert Cycle.objects.get().status == CycleStatus.DRAFT and draft.audits.count() == 2
    auditor.refresh_from_db()
    assert auditor.audit_capacity is None


def test_the_qa_lead_withdraws_the_audit_of_a_closed_case_with_a_reason():
    from caseaudit.audits.actions.withdrawal import withdraw_audit
    from caseaudit.audits.models import AuditStatus
    from caseaudit.cycles.progress import cycle_progress

    register(4)
    cycle = planned(size=4)
    audit = cycle.audits.select_related("case").first()
    qa_lead = make_user(Role.QA_LEAD)
    with pytest.raises(ValidationError, match="Only the audit of a closed case"):
        withdraw_audit(audit, reason="closed", acting_user=qa_lead)
    audit.case.closed_on = date(2018, 10, 1)
    audit.case.save()
    with pytest.raises(PermissionDenied):
        withdraw_audit(audit, reason="closed", acting_user=make_user(Role.MODERATOR))
    with pytest.raises(ValidationError, match="Enter why"):
        withdraw_audit(audit, reason="  ", acting_user=qa_lead)
    withdraw_audit(audit, reason="Family moved away", acting_user=qa_lead)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.WITHDRAWN and audit.withdrawal.reason == "Family moved away"
    event = ChangeEvent.objects.get(event="audit.withdrawn")
    assert event.new["reason"] == redacted("Family moved away")
    progress = cycle_progress(cycle, today=date(2030, 1, 1))
    assert progress.withdrawn == 1 and progress.total.total == 3 and progress.total.overdue == 3
