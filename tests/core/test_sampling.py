"""The cycle planner (issue 3): its rules and the invariants a QA lead relies on."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.dates import add_months
from caseaudit.core.sampling import (
    COHORT_REPRESENTATION,
    FOCUS_COHORT,
    LONGEST_SINCE_LAST_AUDIT,
    NEVER_AUDITED,
    RANDOM,
    Candidate,
    default_size,
    is_eligible,
    plan_sample,
    season_window,
)

AUTUMN = date(2018, 10, 1)


def cases(cohort, n, start=0, last=None):
    return [Candidate(start + i, cohort, last) for i in range(n)]


def test_seasons():
    assert season_window("autumn", 2018) == (date(2018, 10, 1), date(2018, 11, 30))
    assert season_window("spring", 2019) == (date(2019, 4, 1), date(2019, 5, 31))


def test_default_size_is_half_rounded_up():
    assert default_size(61) == 31
    assert default_size(61, fraction=0.25) == 16
    assert default_size(61, size=10) == 10


def test_eligible_only_after_twelve_calendar_months():
    assert is_eligible(None, AUTUMN)
    assert is_eligible(date(2017, 10, 1), AUTUMN)  # exactly a year ago: due again
    assert not is_eligible(date(2017, 10, 2), AUTUMN)
    assert not is_eligible(date(2018, 4, 1), AUTUMN)


def test_months_end_on_the_last_day_when_shorter():
    assert add_months(date(2019, 1, 31), 1) == date(2019, 2, 28)
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2020, 2, 29), -12) == date(2019, 2, 28)
    assert add_months(date(2018, 12, 15), 1) == date(2019, 1, 15)


def test_the_source_example_mostly_care_leavers_and_a_few_of_every_other_cohort():
    pool = (
        cases("care-leaver", 20)
        + cases("looked-after", 10, 100)
        + cases("child-protection", 10, 200)
        + cases("child-in-need", 10, 300)
        + cases("early-help", 10, 400)
    )
    picks = plan_sample(pool, size=30, focus="care-leaver", seed=1)
    counts = Counter(p.cohort for p in picks)
    assert counts["care-leaver"] == 20
    assert all(counts[c] >= 2 for c in COHORT_SLUGS)
    assert sum(counts.values()) == 30
    assert {p.reason for p in picks if p.cohort == "care-leaver"} == {FOCUS_COHORT}


def test_one_place_each_when_few_remain_highest_need_first():
    pool = cases("care-leaver", 5) + cases("early-help", 3, 10) + cases("looked-after", 3, 20)
    picks = plan_sample(pool, size=6, focus="care-leaver", seed=1)
    assert Counter(p.cohort for p in picks) == {"care-leaver": 5, "looked-after": 1}
    assert [p.reason for p in picks if p.cohort == "looked-after"] == [COHORT_REPRESENTATION]


def test_never_audited_first_then_longest_since_last_audit():
    pool = [
        Candidate(1, "child-in-need", date(2016, 5, 1)),
        Candidate(2, "child-in-need", None),
        Candidate(3, "child-in-need", date(2015, 1, 1)),
        Candidate(4, "child-in-need", date(2017, 1, 1)),
        Candidate(5, "early-help", None),
    ]
    picks = plan_sample(pool, size=4, focus=None, seed=3)
    chosen = {p.case_id: p.reason for p in picks}
    assert chosen == {
        2: NEVER_AUDITED,
        3: LONGEST_SINCE_LAST_AUDIT,
        1: LONGEST_SINCE_LAST_AUDIT,
        5: COHORT_REPRESENTATION,
    }


def test_a_tie_at_the_cut_is_decided_by_the_seed_and_says_so():
    pool = cases("child-in-need", 10)
    picks = plan_sample(pool, size=3, focus=None, seed=5)
    assert {p.reason for p in picks} == {RANDOM}
    assert plan_sample(pool, size=3, focus=None, seed=5) == picks
    assert any(plan_sample(pool, size=3, focus=None, seed=s) != picks for s in range(6, 12))


candidate_lists = st.lists(
    st.builds(
        Candidate,
        case_id=st.integers(1, 10_000),
        cohort=st.sampled_from(COHORT_SLUGS),
        last_audited=st.one_of(st.none(), st.dates(date(2010, 1, 1), date(2017, 9, 30))),
    ),
    max_size=120,
    unique_by=lambda c: c.case_id,
)


@settings(max_examples=200, deadline=None)
@given(
    candidate_lists, st.integers(0, 150), st.one_of(st.none(), st.sampled_from(COHORT_SLUGS)), st.integers()
)
def test_invariants(pool, size, focus, seed):
    picks = plan_sample(pool, size=size, focus=focus, seed=seed)
    ids = [p.case_id for p in picks]
    assert len(ids) == len(set(ids))  # no case twice
    assert len(picks) == min(size, len(pool))  # the size asked for, or every eligible case
    assert set(ids) <= {c.case_id for c in pool}
    if focus is not None:
        focus_left_out = any(c.cohort == focus and c.case_id not in ids for c in pool)
        other_taken = any(p.cohort != focus for p in picks)
        assert not (focus_left_out and other_taken)
    # after the focus cohort, every other cohort with eligible cases has a place while places remain
    others = {c.cohort for c in pool} - {focus}
    after_focus = len(picks) - sum(1 for p in picks if p.cohort == focus)
    assert len({p.cohort for p in picks} & others) == min(len(others), after_focus)
    # the same inputs and seed give the same sample, whatever order the inputs come in
    assert plan_sample(list(reversed(pool)), size=size, focus=focus, seed=seed) == picks
    # inside a cohort, no case left out comes before one taken: never audited first, then the oldest audit
    by_id = {c.case_id: c for c in pool}

    def priority(candidate):
        return (candidate.last_audited is not None, candidate.last_audited or date.min)

    for cohort in {c.cohort for c in pool}:
        taken = [by_id[i] for i in ids if by_id[i].cohort == cohort]
        left = [c for c in pool if c.cohort == cohort and c.case_id not in ids]
        if taken and left:
            assert max(map(priority, taken)) <= min(map(priority, left))
    # and each pick's reason is true of it: random exactly when it tied with a case of its cohort left out
    for pick in picks:
        candidate = by_id[pick.case_id]
        assert pick.cohort == candidate.cohort
        assert (pick.reason == FOCUS_COHORT) == (pick.cohort == focus)
        if pick.reason in (FOCUS_COHORT, COHORT_REPRESENTATION):
            continue
        tied = any(
            c.cohort == pick.cohort and c.case_id not in ids and c.last_audited == candidate.last_audited
            for c in pool
        )
        if tied:
            assert pick.reason == RANDOM
        else:
            assert pick.reason == (
                NEVER_AUDITED if candidate.last_audited is None else LONGEST_SINCE_LAST_AUDIT
            )
    representation = [p.cohort for p in picks if p.reason == COHORT_REPRESENTATION]
    assert len(representation) == len(set(representation))  # one place per cohort


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200), st.integers(), st.one_of(st.none(), st.sampled_from(COHORT_SLUGS)))
def test_two_consecutive_cycles_cover_every_case_open_throughout(n, seed, focus):
    pool = [Candidate(i, COHORT_SLUGS[i % 5], None) for i in range(n)]
    autumn = plan_sample(pool, size=default_size(n), focus=focus, seed=seed)
    spring_start = date(2019, 4, 1)
    planned = {p.case_id: AUTUMN for p in autumn}
    spring_pool = [
        Candidate(c.case_id, c.cohort, planned.get(c.case_id))
        for c in pool
        if is_eligible(planned.get(c.case_id), spring_start)
    ]
    spring = plan_sample(spring_pool, size=default_size(n), focus=focus, seed=seed + 1)
    assert {p.case_id for p in autumn} | {p.case_id for p in spring} == set(range(n))
    assert not {p.case_id for p in autumn} & {p.case_id for p in spring}


def test_last_audits_a_year_and_a_day_ago_are_due():
    assert is_eligible(AUTUMN - timedelta(days=366), AUTUMN)
