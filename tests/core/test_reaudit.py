"""The re-audit rule and the sample with re-audits first (caseaudit.core.reaudit)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.reaudit import (
    REAUDIT_AFTER_INADEQUATE,
    AuditDate,
    ModeratedAudit,
    reaudit_due_on,
    reaudits_due,
    sample_with_reaudits,
)
from caseaudit.core.sampling import Candidate

OCT = date(2026, 10, 20)


def _moderated(case_id: int, audit_id: int, grade: str, on: date = OCT) -> ModeratedAudit:
    return ModeratedAudit(case_id, audit_id, on, on + timedelta(days=7), grade)


def test_due_twelve_weeks_after_the_moderation_by_default():
    assert reaudit_due_on(date(2026, 11, 10)) == date(2027, 2, 2)
    assert reaudit_due_on(date(2026, 11, 10), 1) == date(2026, 11, 17)


def test_only_the_latest_moderated_grade_counts():
    moderated = [
        _moderated(1, 10, "inadequate"),
        _moderated(2, 20, "good", OCT - timedelta(days=300)),
        _moderated(2, 21, "inadequate"),
        _moderated(3, 30, "inadequate", OCT - timedelta(days=300)),
        _moderated(3, 31, "requires-improvement"),
    ]
    audits = [AuditDate(m.case_id, m.audit_id, m.audited_on) for m in moderated]
    due = reaudits_due(moderated, audits, weeks=12)
    assert [(d.case_id, d.audit_id, d.due_on) for d in due] == [
        (1, 10, OCT + timedelta(days=7, weeks=12)),
        (2, 21, OCT + timedelta(days=7, weeks=12)),
    ]


def test_a_later_audit_satisfies_it_an_earlier_one_does_not():
    moderated = [_moderated(1, 10, "inadequate"), _moderated(2, 20, "inadequate")]
    audits = [
        AuditDate(1, 10, OCT),
        AuditDate(1, 11, date(2027, 4, 1)),  # planned in the spring
        AuditDate(2, 20, OCT),
        AuditDate(2, 19, date(2025, 10, 1)),  # the year before
    ]
    assert [d.case_id for d in reaudits_due(moderated, audits)] == [2]


def test_the_sample_takes_reaudits_first_within_its_size():
    candidates = [Candidate(n, "care-leaver", None) for n in range(1, 11)]
    reaudits = [Candidate(99, "child-in-need", OCT), Candidate(3, "care-leaver", OCT)]
    picks = sample_with_reaudits(candidates, reaudits, size=4, focus="care-leaver", seed=1)
    assert [(p.case_id, p.reason) for p in picks[:2]] == [
        (3, REAUDIT_AFTER_INADEQUATE),
        (99, REAUDIT_AFTER_INADEQUATE),
    ]
    assert len(picks) == 4 and len({p.case_id for p in picks}) == 4


def test_reaudits_are_never_left_out_for_the_size():
    reaudits = [Candidate(n, "looked-after", OCT) for n in range(5)]
    picks = sample_with_reaudits([Candidate(9, "early-help", None)], reaudits, size=2, focus=None, seed=1)
    assert [p.case_id for p in picks] == [0, 1, 2, 3, 4]


cohorts = st.sampled_from(["care-leaver", "looked-after", "child-in-need"])


@given(
    st.lists(st.tuples(st.integers(0, 40), cohorts), unique_by=lambda t: t[0], max_size=30),
    st.lists(st.tuples(st.integers(0, 60), cohorts), unique_by=lambda t: t[0], max_size=8),
    st.integers(0, 40),
    st.integers(0, 2**31),
)
def test_every_reaudit_is_in_the_sample_once_and_the_size_holds(eligible, due, size, seed):
    candidates = [Candidate(case_id, cohort, None) for case_id, cohort in eligible]
    reaudits = [Candidate(case_id, cohort, OCT) for case_id, cohort in due]
    picks = sample_with_reaudits(candidates, reaudits, size=size, focus="care-leaver", seed=seed)
    ids = [p.case_id for p in picks]
    assert len(ids) == len(set(ids))
    assert {c.case_id for c in reaudits} <= set(ids)
    assert all(
        p.reason == REAUDIT_AFTER_INADEQUATE for p in picks if p.case_id in {c.case_id for c in reaudits}
    )
    others = {c.case_id for c in candidates} - {c.case_id for c in reaudits}
    assert len(ids) == len(reaudits) + min(max(size - len(reaudits), 0), len(others))
    # Reproducible: the same input and seed, the same sample.
    assert picks == sample_with_reaudits(candidates, reaudits, size=size, focus="care-leaver", seed=seed)
