from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.core.allocation import Auditor, AuditToAllocate, allocate
from caseaudit.core.cohorts import COHORT_SLUGS


def audits(n, team=None, cohort="care-leaver", start=0):
    return [AuditToAllocate(start + i, cohort, team, frozenset()) for i in range(n)]


def test_balanced_by_count_and_cohort_mix():
    items = audits(6, cohort="care-leaver") + audits(3, cohort="early-help", start=100)
    team = [Auditor(1), Auditor(2), Auditor(3)]
    result = allocate(items, team)
    assert not result.unassigned
    assert sorted(a.load for a in team) == [3, 3, 3]
    assert all(a.cohort_load == {"care-leaver": 2, "early-help": 1} for a in team)


def test_never_a_case_of_the_auditors_own_team_or_their_own_case():
    items = [
        AuditToAllocate(1, "child-in-need", 7, frozenset()),
        AuditToAllocate(2, "child-in-need", 8, frozenset({42})),
    ]
    result = allocate(items, [Auditor(1, teams=frozenset({7}), staff_id=42), Auditor(2)])
    assert result.assigned == {1: 2, 2: 2}


def test_unallocatable_audits_say_why():
    items = audits(3, team=7)
    result = allocate(items, [Auditor(1, teams=frozenset({7})), Auditor(2, capacity=1)])
    assert len(result.assigned) == 1
    assert set(result.unassigned.values()) == {"every auditor is full"}
    only_own_team = allocate(audits(1, team=7), [Auditor(1, teams=frozenset({7}))])
    assert only_own_team.unassigned == {0: "every auditor works in this case's team"}


def test_the_most_constrained_audit_goes_first():
    # Audit 0 only auditor 2 may take; auditor 2 has room for one. Taken first, it is not squeezed out.
    items = [
        AuditToAllocate(1, "care-leaver", None, frozenset()),
        AuditToAllocate(0, "care-leaver", 7, frozenset()),
    ]
    result = allocate(items, [Auditor(1, teams=frozenset({7})), Auditor(2, capacity=1)])
    assert result.assigned == {0: 2, 1: 1}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(COHORT_SLUGS), st.one_of(st.none(), st.integers(1, 4))), max_size=80),
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 30)), st.one_of(st.none(), st.integers(1, 4))),
        min_size=1,
        max_size=5,
    ),
)
def test_allocation_properties(specs, auditor_specs):
    items = [AuditToAllocate(i, cohort, team, frozenset()) for i, (cohort, team) in enumerate(specs)]
    team = [
        Auditor(i + 1, capacity=cap, teams=frozenset({t}) if t else frozenset())
        for i, (cap, t) in enumerate(auditor_specs)
    ]
    result = allocate(items, team)
    by_id = {a.user_id: a for a in team}
    assert set(result.assigned) | set(result.unassigned) == {i.audit_id for i in items}
    for item in items:
        if item.audit_id in result.assigned:
            assert not by_id[result.assigned[item.audit_id]].conflicts_with(item)
    for auditor in team:
        assert auditor.capacity is None or auditor.load <= auditor.capacity
    if all(a.capacity is None and not a.teams for a in team):
        loads = [a.load for a in team]
        assert max(loads) - min(loads) <= 1
