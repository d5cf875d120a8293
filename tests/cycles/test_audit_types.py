"""Cycles of every kind of audit (issue 15, section 3): a thematic audit of one theme across a cohort or
team, a practice observation, cases chosen by hand with reasons, every case in scope; each kind starts its
audits on its own tool, and other kinds never stand in for the twice-yearly case file audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.models import Audit, AuditStatus, SelectionReason
from caseaudit.audits.templates_store import default_template
from caseaudit.cycles.actions import plan_cycle
from caseaudit.cycles.candidates import eligible_candidates
from caseaudit.cycles.models import Cycle, SampleRule
from caseaudit.cycles.planning import Scope, propose_cycle
from caseaudit.cycles.reaudits import outstanding_reaudits
from caseaudit.policy import SYSTEM

from .builders import allocate_to, make_cycle

PLAN = reverse("cycles:plan")
SPRING = date(2027, 4, 1)


def _thematic(**changes):
    arguments = {
        "season": "spring",
        "year": 2027,
        "audit_type": "thematic",
        "scope": Scope(theme="Pathway plans", cohort="care-leaver"),
        "seed": 3,
        **changes,
    }
    return propose_cycle(**arguments)


def test_a_thematic_audit_samples_every_case_of_its_cohort_even_one_audited_lately(register):
    care_leavers = [c for c in register.cases if c.cohort == "care-leaver"]
    # Audited in the case file audit of the autumn before: not eligible for the next case file audit,
    # but a theme is looked at across every case it touches.
    make_cycle(care_leavers[:3], season="autumn", year=2026)
    proposal = _thematic(every_case=True)
    assert proposal.sample_rule == SampleRule.EVERY_CASE
    assert {p.case_id for p in proposal.picks} == {c.pk for c in care_leavers} | {register_own(register)}
    assert {p.reason for p in proposal.picks} == {SelectionReason.IN_SCOPE}
    assert proposal.name == "Thematic or dip-sample audit: Pathway plans, April 2027"
    cycle = plan_cycle(proposal, acting_user=SYSTEM)
    assert (cycle.audit_type, cycle.theme, cycle.scope_cohort, cycle.sample_rule) == (
        "thematic",
        "Pathway plans",
        "care-leaver",
        "every-case",
    )


def register_own(register) -> int:
    """The personas' own case is a care leaver in North too."""
    return next(c.pk for c in register.north.cases.filter(child_id="N000001"))


def test_a_fraction_of_a_team_is_drawn_at_random_and_the_seed_repeats_it(register):
    scope = Scope(theme="Supervision", team=register.east)
    first = propose_cycle(
        season="spring", year=2027, audit_type="management-oversight", scope=scope, size=3, seed=9
    )
    again = propose_cycle(
        season="spring", year=2027, audit_type="management-oversight", scope=scope, size=3, seed=9
    )
    east = {c.pk for c in register.cases if c.team == register.east}
    assert len(first.picks) == 3 and {p.case_id for p in first.picks} <= east
    assert first.picks == again.picks
    assert {p.reason for p in first.picks} == {SelectionReason.RANDOM}
    # A management oversight audit names no theme: only the thematic audit needs one.
    assert first.theme == "Supervision" and first.sample_rule == SampleRule.SIZE


def test_a_thematic_audit_needs_its_theme():
    with pytest.raises(ValidationError, match="needs its theme"):
        _thematic(scope=Scope(theme="  "))


def test_cases_chosen_by_hand_keep_their_reasons(register):
    first, second = register.cases[0], register.cases[7]
    chosen = [(first.child_id, "First plan written by the new team"), (second.child_id, "Complaint received")]
    proposal = propose_cycle(season="spring", year=2027, audit_type="practice-observation", chosen=chosen)
    cycle = plan_cycle(proposal, acting_user=SYSTEM)
    audits = {a.case_id: a for a in cycle.audits.all()}
    assert set(audits) == {first.pk, second.pk}
    assert audits[first.pk].reason == SelectionReason.CHOSEN_BY_HAND
    assert audits[second.pk].selection_note == "Complaint received"
    assert cycle.sample_rule == SampleRule.BY_HAND


def test_cases_chosen_by_hand_are_refused_naming_every_problem(register):
    closed = register.cases[1]
    closed.closed_on = date(2027, 1, 31)
    closed.save()
    chosen = [
        ("NOBODY-1", "Named in a complaint"),
        (closed.child_id, "Closed in January"),
        (register.cases[2].child_id, ""),
        (register.cases[3].child_id, "Twice"),
        (register.cases[3].child_id, "Twice"),
    ]
    with pytest.raises(ValidationError) as refused:
        propose_cycle(
            season="spring", year=2027, audit_type="thematic", scope=Scope(theme="Voice"), chosen=chosen
        )
    assert refused.value.messages == [
        "NOBODY-1 is not in the case register",
        f"{closed.child_id} is not open on 1 April 2027",
        f"Enter why {register.cases[2].child_id} is chosen",
        f"{register.cases[3].child_id} is named twice",
    ]
    assert not Cycle.objects.exists()


def test_other_kinds_of_audit_do_not_make_a_case_ineligible_for_the_case_file_audit(register):
    case = register.cases[0]
    make_cycle(
        [case], name="Observed in March", season="spring", year=2027, audit_type="practice-observation"
    )
    eligible = {c.case_id for c in eligible_candidates(date(2027, 10, 1))[0]}
    assert case.pk in eligible
    make_cycle([case], name="Case file", season="spring", year=2027)
    assert case.pk not in {c.case_id for c in eligible_candidates(date(2027, 10, 1))[0]}


def test_an_audit_starts_on_its_kinds_tool(personas):
    cycle = make_cycle([personas.own_case], audit_type="practice-observation")
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get()
    completing.start_audit(audit, acting_user=personas.auditor)
    assert audit.template.slug == "practice-observation"
    assert next(s.slug for s in completion.sections_of(audit)) == "purpose-and-preparation"
    # The observation is what a practice observation rests on, not the case record.
    assert "Record the observation of practice in the evidence sources" in completion.missing_for_submission(
        audit
    )


def test_a_practice_observation_is_triangulated_by_the_workers_reflection(personas):
    cycle = make_cycle([personas.own_case], audit_type="practice-observation")
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get()
    completing.start_audit(audit, acting_user=personas.auditor)
    record = {"used_on": date(2026, 10, 5), "note": "", "acting_user": personas.auditor}
    completing.record_evidence(audit, "observation", expected_version=audit.version, **record)
    assert not completion.is_triangulated(audit) and completion.single_source(audit) == "the observation"
    completing.record_evidence(audit, "worker-reflection", expected_version=audit.version, **record)
    assert completion.is_triangulated(audit)


def test_a_cycle_may_name_its_tool_but_only_one_of_its_kind(register):
    proposal = _thematic(every_case=True)
    with pytest.raises(ValidationError, match="is a tool for a case file audit: choose one for a thematic"):
        plan_cycle(proposal, acting_user=SYSTEM, template=default_template())
    cycle = plan_cycle(proposal, acting_user=SYSTEM, template=default_template("thematic"))
    assert cycle.template.slug == "thematic-dip-sample"


def test_an_inadequate_practice_observation_asks_for_no_re_audit_of_the_case(personas):
    cycle = make_cycle([personas.own_case], audit_type="practice-observation")
    Audit.objects.filter(cycle=cycle).update(
        status=AuditStatus.MODERATED, moderated_grade="inadequate", completed_on=date(2026, 10, 20)
    )
    assert outstanding_reaudits() == []
    Cycle.objects.filter(pk=cycle.pk).update(audit_type="case-file")
    assert [r.case_id for r in outstanding_reaudits()] == [personas.own_case.pk]


# From the planning page -------------------------------------------------------------------------------------


def test_the_planning_page_offers_every_kind_and_a_link_can_choose_one(qa_client, register):
    page = qa_client.get(PLAN + "?type=practice-observation").text
    for label in (
        "Case file audit",
        "Thematic or dip-sample audit",
        "Practice observation",
        "Management oversight audit",
        "Multi-agency audit",
    ):
        assert label in page
    assert 'value="practice-observation" checked' in page
    assert 'value="case-file" checked' in qa_client.get(PLAN).text


def test_planning_a_thematic_audit_from_the_page(qa_client, register):
    response = qa_client.post(
        PLAN,
        {
            "audit_type": "thematic",
            "theme": "Pathway plans",
            "scope_cohort": "care-leaver",
            "every_case": "on",
            "season": "custom",
            "starts_on_0": "1",
            "starts_on_1": "3",
            "starts_on_2": "2027",
            "ends_on_0": "31",
            "ends_on_1": "3",
            "ends_on_2": "2027",
        },
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert (cycle.audit_type, cycle.theme, cycle.starts_on) == ("thematic", "Pathway plans", date(2027, 3, 1))
    assert cycle.audits.count() == 7  # six care leavers in North, and the personas' own
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Thematic or dip-sample audit: Pathway plans" in page
    assert "Every case in scope" in page
    # The list of cycles says which kind each is, and offers the other kinds in one click.
    listed = qa_client.get(reverse("cycles:list")).text
    assert '<span class="govuk-body-s">Thematic or dip-sample audit</span>' in listed
    assert "?type=practice-observation" in listed


def test_a_thematic_audit_without_a_theme_keeps_what_was_typed(qa_client, register):
    response = qa_client.post(
        PLAN,
        {
            "audit_type": "thematic",
            "season": "spring",
            "year": "2027",
            "scope_cohort": "care-leaver",
            "chosen": "N100001, Complaint\nN100002",
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "Enter the theme of the thematic audit, like pathway plans" in text
    assert "Line 2: enter the child&#x27;s ID, a comma, then why the case is chosen" in text
    assert "N100001, Complaint\nN100002</textarea>" in text
    assert not Cycle.objects.exists()


def test_a_case_file_audit_takes_no_scope(qa_client, register):
    response = qa_client.post(
        PLAN, {"season": "spring", "year": "2027", "fraction": "0.5", "scope_cohort": "early-help"}
    )
    assert response.status_code == 200
    assert "A case file audit samples every cohort: clear it, or choose another kind" in response.text


def test_a_case_chosen_by_hand_that_is_not_in_the_register_is_named_at_its_field(qa_client, register):
    response = qa_client.post(
        PLAN,
        {
            "audit_type": "practice-observation",
            "season": "spring",
            "year": "2027",
            "chosen": "NOBODY-9, Named in a complaint",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_chosen">NOBODY-9 is not in the case register</a>' in response.text
