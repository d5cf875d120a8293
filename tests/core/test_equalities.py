"""The equality tables' counting and the rule that keeps small groups from view."""

from __future__ import annotations

from collections import Counter
from datetime import date

from caseaudit.core.equalities import Child, Share, equality_tables, hidden

ON = date(2026, 11, 30)


def child(sex=None, ethnicity=None, disability=None, born=None) -> Child:
    return Child(sex, ethnicity, disability, born)


def table(tables, name):
    return next(t for t in tables if t.characteristic == name)


def test_groups_of_fewer_than_five_are_hidden_and_one_alone_takes_the_next_smallest_with_it():
    assert hidden(Counter({"Male": 12, "Female": 9, "Not recorded": 2})) == {"Not recorded", "Female"}
    assert hidden(Counter({"Male": 12, "Female": 3, "Not recorded": 2})) == {"Female", "Not recorded"}
    assert hidden(Counter({"Male": 12, "Female": 9})) == set()
    # Nothing to hide among empty groups: a zero gives nobody away.
    assert hidden(Counter({"Male": 12, "Female": 0})) == set()


def test_a_table_counts_good_grades_and_overdue_cases_by_group_in_the_standard_order():
    audits = [(child("F", "WBRI", "N"), "good")] * 6 + [(child("M", "BAFR", "Y"), "inadequate")] * 5
    audits += [(child("M", "MWBC", "N"), "outstanding")] * 5
    cases = [(child("F", "WBRI", "N"), True)] * 2 + [(child("F", "WBRI", "N"), False)] * 4
    cases += [(child("M", "AIND", "N"), False)] * 7
    tables = equality_tables(audits, cases, on=ON)
    assert [t.characteristic for t in tables] == ["Sex", "Ethnic group", "Disability", "Age band"]
    sex = table(tables, "Sex")
    assert [(r.group, r.grades.text(), r.timescales.text()) for r in sex.rows] == [
        ("Male", ("10", "5 (50%)"), ("7", "0 (0%)")),
        ("Female", ("6", "6 (100%)"), ("6", "2 (33%)")),
    ]
    ethnic = {r.group: r for r in table(tables, "Ethnic group").rows}
    assert list(ethnic) == [
        "White",
        "Mixed or multiple ethnic groups",
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
    ]
    # Asian: no audits, 7 open cases; shown as a count of none, not hidden.
    assert ethnic["Asian or Asian British"].grades.text() == ("0", "none")
    assert ethnic["Asian or Asian British"].timescales.text() == ("7", "0 (0%)")
    # Nobody's month of birth is recorded: the age table says so rather than guessing.
    assert not table(tables, "Age band").recorded


def test_a_small_group_shows_neither_its_count_nor_its_share():
    audits = [(child("F"), "good")] * 8 + [(child("M"), "inadequate")] * 2
    rows = {r.group: r for r in table(equality_tables(audits, [], on=ON), "Sex").rows}
    assert rows["Male"].grades.text() == ("fewer than 5", "not shown")
    # Female alone beside it would give the boys' count away from the total: hidden too.
    assert rows["Female"].grades.text() == ("not shown", "not shown")
    assert Share(3, 6, True).text() == ("6", "3 (50%)")


def test_age_bands_are_worked_out_on_the_day():
    audits = [(child(born=date(2010, 12, 1)), "good")] * 5 + [(child(born=date(2008, 11, 1)), "good")] * 5
    audits += [(child(born=date(2027, 1, 1)), "good")] * 5  # a pre-birth plan
    bands = [r.group for r in table(equality_tables(audits, [], on=ON), "Age band").rows]
    assert bands == ["Unborn", "10 to 15", "18 and over"]
