"""Properties of the compliance engine over random case registers: the frame and the one-case answers agree,
and every row's status fits its numbers."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.timescale_rules import RULE_DATE_COLUMNS
from caseaudit.core.timescales import CHECK_SLUGS, DUE_SOON_DAYS, Status, evaluate, evaluate_case, load_rules

RULES = load_rules()
COLUMNS = (*RULE_DATE_COLUMNS, "birth_month")
DAYS = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def registers(draw):
    """Some cases, the register's columns (a random subset: older extracts lack some), and an as-of date."""
    columns = draw(st.lists(st.sampled_from(COLUMNS), unique=True))
    cases = draw(
        st.lists(
            st.fixed_dictionaries(
                {"cohort": st.sampled_from(COHORT_SLUGS), **{c: st.none() | DAYS for c in columns}}
            ),
            min_size=1,
            max_size=8,
        )
    )
    return columns, cases, draw(DAYS)


def frame_of(columns, cases):
    data = {
        "child_id": [f"C{index:03d}" for index in reversed(range(len(cases)))],  # not in sorted order
        "cohort": [case["cohort"] for case in cases],
        **{column: pl.Series([case[column] for case in cases], dtype=pl.Date) for column in columns},
    }
    return pl.DataFrame(data)


@settings(max_examples=60, deadline=None)
@given(registers())
def test_evaluate_and_evaluate_case_agree(register):
    columns, cases, as_of = register
    results = evaluate(frame_of(columns, cases), RULES, as_of)
    by_child = results.partition_by("child_id", as_dict=True)
    for index, case in enumerate(cases):
        child_id = f"C{len(cases) - 1 - index:03d}"
        single = evaluate_case({c: case[c] for c in columns}, case["cohort"], RULES, as_of)
        rows = by_child[(child_id,)].select("check", "due_date", "status", "days_overdue").rows()
        assert rows == [(r.check, r.due_date, r.status.value, r.days_overdue) for r in single]


@settings(max_examples=150, deadline=None)
@given(registers())
def test_every_status_fits_its_numbers(register):
    columns, cases, as_of = register
    results = evaluate(frame_of(columns, cases), RULES, as_of)
    assert results["child_id"].is_sorted()
    for row in results.iter_rows(named=True):
        status, due, late = Status(row["status"]), row["due_date"], row["days_overdue"]
        rule = RULES.get(row["check"])
        assert row["cohort"] in rule.cohorts
        if status in (Status.NOT_APPLICABLE, Status.DATA_MISSING):
            assert due is None and late is None
            continue
        if rule.empty_start_means_none_waiting and due is None:  # nothing waiting: nothing can be late
            assert status is Status.COMPLIANT and late is None
            continue
        assert due is not None
        assert (late is not None and late > 0) == (status is Status.OVERDUE)
        if rule.done is None:  # a one-off event that happened is judged on the day it happened
            assert late is None or late == (as_of - due).days
            if status is Status.DUE_SOON:
                assert 0 <= (due - as_of).days <= DUE_SOON_DAYS
            if status is Status.COMPLIANT:
                assert (due - as_of).days > DUE_SOON_DAYS
    order = {slug: rank for rank, slug in enumerate(CHECK_SLUGS)}
    for _, group in results.group_by("child_id"):
        ranks = [order[check] for check in group["check"]]
        assert ranks == sorted(ranks)
