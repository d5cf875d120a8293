"""The retention schedule file: the shipped defaults, an authority's confirmed copy, and files that must be
refused with the line and key named, so that a wrong file disposes of nothing."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.records.retention.schedule import (
    DEFAULT_FILE,
    Rule,
    ScheduleError,
    load_schedule,
    parse_schedule,
)

CONFIRMED = """\
version: 1
confirmed_by: Head of Information Governance
confirmed_on: 2026-11-02
cohorts:
  care-leaver: {until_birthday: 75}
  looked-after: {until_birthday: 75}
  child-protection: {later_of: {birthday: 25, years_after_closure: 6}}
  child-in-need: {later_of: {birthday: 25, years_after_closure: 6}}
  early-help: {years_after_closure: 3}
"""


def test_the_shipped_defaults_are_a_common_local_authority_schedule_and_unconfirmed():
    schedule = load_schedule(None)
    assert schedule.source == str(DEFAULT_FILE)
    assert not schedule.confirmed
    assert schedule.rules["care-leaver"] == Rule(birthday=75)
    assert schedule.rules["looked-after"] == Rule(birthday=75)
    assert schedule.rules["child-protection"] == Rule(birthday=25, years_after_closure=6)
    assert schedule.rules["child-in-need"] == Rule(birthday=25, years_after_closure=6)
    assert schedule.describe()[0] == "Care leaver: until the 75th birthday"
    assert schedule.describe()[3] == (
        "Child in need: until the 25th birthday or 6 years after closure, whichever is later"
    )


def test_an_authority_copy_with_who_and_when_is_confirmed(tmp_path):
    copy = tmp_path / "retention.yaml"
    copy.write_text(CONFIRMED)
    schedule = load_schedule(copy)
    assert schedule.confirmed
    assert (schedule.confirmed_by, schedule.confirmed_on) == (
        "Head of Information Governance",
        date(2026, 11, 2),
    )
    assert schedule.rules["early-help"] == Rule(years_after_closure=3)
    assert str(schedule.rules["early-help"]) == "until 3 years after closure"


def test_a_copy_without_confirmation_is_unconfirmed():
    text = CONFIRMED.replace("confirmed_by: Head of Information Governance\n", "").replace(
        "confirmed_on: 2026-11-02\n", ""
    )
    assert not parse_schedule(text, "retention.yaml").confirmed


def _problems(text: str) -> str:
    with pytest.raises(ScheduleError) as refused:
        parse_schedule(text, "retention.yaml")
    return str(refused.value)


def test_a_confirmation_needs_both_who_and_when():
    assert "give both confirmed_by and confirmed_on" in _problems(
        CONFIRMED.replace("confirmed_on: 2026-11-02\n", "")
    )


def test_a_cohort_left_out_is_named_with_its_line():
    problems = _problems(CONFIRMED.replace("  early-help: {years_after_closure: 3}\n", ""))
    assert "retention.yaml line 4: cohorts.early-help: this key is required but missing" in problems


def test_an_unknown_cohort_is_named_with_its_line():
    problems = _problems(CONFIRMED + "  leaving-care: {until_birthday: 21}\n")
    assert "retention.yaml line 10: cohorts.leaving-care: unknown key" in problems


def test_a_misspelt_rule_is_named_with_its_line():
    problems = _problems(CONFIRMED.replace("{until_birthday: 75}\n  looked", "{until_birthdy: 75}\n  looked"))
    assert "retention.yaml line 5: cohorts.care-leaver.until_birthdy: unknown key" in problems


def test_two_rules_for_one_cohort_are_refused():
    problems = _problems(
        CONFIRMED.replace("{years_after_closure: 3}", "{years_after_closure: 3, until_birthday: 18}")
    )
    assert "cohorts.early-help: give exactly one rule" in problems


def test_a_number_that_is_not_a_whole_number_of_years_is_refused():
    problems = _problems(
        CONFIRMED.replace("{until_birthday: 75}\n  looked", "{until_birthday: '75'}\n  looked")
    )
    assert "line 5: cohorts.care-leaver.until_birthday" in problems
    assert "line 9" not in problems


def test_a_later_of_rule_needs_both_parts():
    problems = _problems(
        CONFIRMED.replace(
            "{birthday: 25, years_after_closure: 6}}\n  child-in", "{birthday: 25}}\n  child-in"
        )
    )
    assert "line 7: cohorts.child-protection.later_of.years_after_closure: this key is required" in problems


def test_a_repeated_key_and_broken_yaml_are_refused_with_their_line():
    assert "line 6: the key 'care-leaver' appears twice" in _problems(
        CONFIRMED.replace("  looked-after:", "  care-leaver:")
    )
    assert "retention.yaml line" in _problems(CONFIRMED.replace("cohorts:", "cohorts: ["))


def test_a_file_that_cannot_be_read_is_refused(tmp_path):
    with pytest.raises(ScheduleError, match="cannot be read"):
        load_schedule(tmp_path / "missing.yaml")
