"""The timescale rules file: the shipped defaults, local overrides, and errors that name the file, the line
and the rule."""

from __future__ import annotations

import os
import textwrap
from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.dates import add_months
from caseaudit.core.timescale_rules import Interval, parse_interval, parse_rules
from caseaudit.core.timescales import CHECK_SLUGS, TimescaleRulesError, default_rules_path, load_rules

LOCAL = textwrap.dedent(
    """\
    version: 3
    name: Anytown local timescales
    rules:
      - slug: child-protection-visit
        label: Child protection visit
        kind: local
        cohorts: [child-protection]
        description: A visit at least every 4 weeks.
        latest: last_statutory_visit
        then:
          - every: 4 weeks
      - slug: child-seen
        label: Child seen
        kind: local
        cohorts: [child-in-need]
        description: The child is seen at least every 6 weeks.
        latest: last_seen
        then:
          - every: 6 weeks
    """
)


def write(tmp_path, text, name="local.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_hold_every_check_in_report_order():
    rules = load_rules()
    off = ("child-in-need-visit", "child-in-need-plan-review", "early-help-assessment")
    assert tuple(rule.slug for rule in rules.rules) == tuple(s for s in CHECK_SLUGS if s not in off)
    # Shipped off: no statutory timescale, or a local standard many authorities do not keep.
    assert tuple(rule.slug for rule in rules.off) == off
    assert {rule.kind for rule in rules.off} == {"local"}
    assert (rules.version, rules.local_name, rules.local_version) == (1, "", None)
    assert rules.name
    assert all(rule.description and rule.source for rule in rules.rules)


def test_the_defaults_name_the_cohorts_of_each_check():
    rules = load_rules()
    assert [r.slug for r in rules.for_cohort("care-leaver")] == [
        "pathway-plan-review",
        "personal-adviser-contact",
        "case-recording",
        "supervision",
    ]
    assert [r.slug for r in rules.for_cohort("child-protection")][:4] == [
        "initial-conference",
        "first-core-group",
        "review-conference",
        "child-protection-visit",
    ]
    assert rules.get("assessment-completion").cohorts == ("child-in-need",)
    assert rules.get("assessment-completion").start == ("referral_date", "assessment_start")
    assert rules.for_cohort("early-help") == (rules.get("case-recording"), rules.get("supervision"))
    assert rules.get("supervision").cohorts == rules.get("case-recording").cohorts
    assert len(rules.get("supervision").cohorts) == 5
    assert {rule.kind for rule in rules.rules} == {"statutory", "local"}
    assert rules.get("child-protection-visit").kind == "local"


def test_an_unknown_check_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no timescale rule 'pathway'"):
        load_rules().get("pathway")


def test_a_local_file_replaces_a_rule_by_slug_and_adds_new_ones_last(tmp_path):
    rules = load_rules(overrides=write(tmp_path, LOCAL))
    assert [rule.slug for rule in rules.rules] == [*(r.slug for r in load_rules().rules), "child-seen"]
    visit = rules.get("child-protection-visit")
    assert visit.then[0].every == Interval(4, "weeks")
    assert visit.start == ()  # replaced whole, not merged
    assert rules.get("pathway-plan-review") == load_rules().get("pathway-plan-review")
    assert (rules.local_name, rules.local_version) == ("Anytown local timescales", 3)


def test_a_local_file_turns_on_a_rule_shipped_off(tmp_path):
    local = textwrap.dedent(
        """\
        version: 1
        name: Anytown
        rules:
          - slug: early-help-assessment
            label: Early help assessment
            kind: local
            enabled: true
            cohorts: [early-help]
            description: Completed within 30 working days of its start.
            start: assessment_start
            first: 30 working-days
            done: assessment_completed
        """
    )
    rules = load_rules(overrides=write(tmp_path, local))
    assert rules.for_cohort("early-help")[0].slug == "early-help-assessment"
    assert "early-help-assessment" not in [r.slug for r in rules.off]
    assert rules.get("early-help-assessment").first == Interval(30, "working-days")


def test_a_changed_file_is_read_again(tmp_path):
    path = write(tmp_path, LOCAL)
    assert load_rules(overrides=path).get("child-seen").then[0].every == Interval(6, "weeks")
    path.write_text(LOCAL.replace("every: 6 weeks", "every: 8 weeks"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new modification time, whatever the file system's resolution
    assert load_rules(overrides=path).get("child-seen").then[0].every == Interval(8, "weeks")


def test_an_unknown_key_is_refused_naming_the_file_line_rule_and_allowed_keys(tmp_path):
    path = write(
        tmp_path, LOCAL.replace("    latest: last_seen\n", "    latest: last_seen\n    frequency: 6\n")
    )
    with pytest.raises(ValueError, match="frequency") as caught:
        load_rules(overrides=path)
    message = str(caught.value)
    assert message.startswith(
        f"{path} line 18: rule 'child-seen': frequency: unknown key (allowed here: slug,"
    )
    assert isinstance(caught.value, TimescaleRulesError)


def test_an_unknown_key_in_a_step_lists_the_steps_keys(tmp_path):
    path = write(tmp_path, LOCAL.replace("- every: 4 weeks", "- every: 4 weeks\n        unless: holidays"))
    with pytest.raises(
        ValueError, match=r"line 12: rule 'child-protection-visit': then\.0\.unless: unknown key"
    ):
        load_rules(overrides=path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("every: 6 weeks", "every: 6 wks"),
            r"line 19: rule 'child-seen': then\.0\.every: '6 wks' is not an interval",
        ),
        (("every: 6 weeks", "every: 0 weeks"), "'0 weeks' is not an interval"),
        (("latest: last_seen", "latest: last_sen"), "'last_sen' is not a date of the case register"),
        (("[child-in-need]", "[cin]"), "'cin' is not a cohort \\(did you mean child-in-need"),
        (
            ("kind: local\n    cohorts: [child-in", "kind: optional\n    cohorts: [child-in"),
            "'statutory' or 'local'",
        ),
        (
            ("slug: child-seen", "slug: child-protection-visit"),
            "rule 'child-protection-visit' is defined twice",
        ),
        (("version: 3", "version: '3'"), "a version is a whole number"),
        (
            ("    description: The child", "    first: 5 days\n    description: The child"),
            "`start` and `first` go",
        ),
        (("    latest: last_seen\n", ""), "needs `start`"),
        (
            ("- every: 6 weeks", "- every: 6 weeks\n        when_under_age: 5"),
            "the last `then` step applies when no other does",
        ),
        (
            (
                "- every: 6 weeks",
                "- every: 6 weeks\n        when_latest_within: 1 month\n      - every: 8 weeks",
            ),
            "`when_latest_within` counts from `start`",
        ),
        (("name: Anytown", "name: Anytown\nname: Othertown"), "line 3: the key 'name' appears twice"),
        (
            ("- every: 6 weeks", "- every: 6 weeks\n        when_yes: long_term\n      - every: 8 weeks"),
            "'long_term' is not a yes-or-no answer of the register \\(use placement_intended_until_18\\)",
        ),
        (
            ("    latest: last_seen\n", "    aged: {at_least: 16, under: 5}\n    latest: last_seen\n"),
            "`under` is an age above `at_least`",
        ),
        (
            ("    latest: last_seen\n", "    aged: {from: 5, under: 16}\n    latest: last_seen\n"),
            r"aged\.from: unknown key \(allowed here: at_least, under\)",
        ),
        (
            ("- every: 6 weeks", "- every: 6 weeks\n        when_yes: placement_intended_until_18"),
            "the last `then` step applies when no other does",
        ),
        (
            (
                "- every: 6 weeks",
                "- every: 6 weeks\n        when_latest_is: first_looked_after_review\n"
                "        when_latest_after: first_looked_after_review\n      - every: 8 weeks",
            ),
            "the latest event is that date or after it, not both",
        ),
        (
            (
                "- every: 6 weeks",
                "- every: 6 weeks\n        when_latest_after: first_visit\n      - every: 8 weeks",
            ),
            "'first_visit' is not a date of the case register",
        ),
    ],
)
def test_invalid_rules_are_refused_with_a_reason(tmp_path, change, message):
    path = write(tmp_path, LOCAL.replace(*change))
    with pytest.raises(ValueError, match=message) as caught:
        load_rules(overrides=path)
    assert str(caught.value).startswith(str(path))


def test_a_step_may_count_its_window_in_several_intervals_and_say_how_it_reads(tmp_path):
    changed = LOCAL.replace(
        "    latest: last_seen\n    then:\n      - every: 6 weeks",
        "    start: assessment_start\n    first: 10 working-days\n    latest: last_seen\n    then:\n"
        "      - every: 2 weeks\n        when_latest_within: [10 working-days, 1 month]\n"
        "        reading: Seen early in the plan\n      - every: 6 weeks",
    )
    rule = load_rules(overrides=write(tmp_path, changed)).get("child-seen")
    step = rule.then[0]
    assert str(step.when_latest_within) == "10 working days, then 1 month"
    # 2 January 2026 + 10 working days is 16 January; a month later, 16 February.
    assert step.when_latest_within.after(date(2026, 1, 2)) == date(2026, 2, 16)
    assert step.reading == "Seen early in the plan"
    assert Interval(1, "months") in rule.intervals


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a rules file is a mapping"),
        ("- a\n- b\n", "a rules file is a mapping"),
        ("version: [1\n", "line 2: not valid YAML"),
        ("version: 1\nname: x\nrules: []\n", "rules: List should have at least 1 item"),
        ("version: 1\nrules: [{}]\n", "name: this key is required"),
    ],
)
def test_broken_documents_are_refused(text, message):
    with pytest.raises(TimescaleRulesError, match=message):
        parse_rules(text, "local.yaml")


def test_a_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"absent\.yaml: cannot be read"):
        load_rules(overrides=tmp_path / "absent.yaml")


def test_the_default_path_is_the_shipped_file():
    assert default_rules_path().read_text("utf-8").startswith("# caseaudit's default timescale rules")


@pytest.mark.parametrize(
    ("text", "interval", "words"),
    [
        ("6 months", Interval(6, "months"), "6 months"),
        ("1 month", Interval(1, "months"), "1 month"),
        ("20 working-days", Interval(20, "working-days"), "20 working days"),
        ("1 working day", Interval(1, "working-days"), "1 working day"),
        ("4 weeks", Interval(4, "weeks"), "4 weeks"),
        ("10 days", Interval(10, "days"), "10 days"),
    ],
)
def test_intervals(text, interval, words):
    assert parse_interval(text) == interval
    assert str(interval) == words


DAYS = st.dates(min_value=date(1995, 1, 1), max_value=date(2090, 12, 31))


@given(st.lists(DAYS, min_size=1, max_size=30), st.integers(min_value=1, max_value=60))
def test_vectorised_months_agree_with_add_months(days, months):
    """31 January + 1 month is 28 or 29 February in both."""
    frame = pl.Series("day", days, dtype=pl.Date).to_frame()
    ends = frame.select(Interval(months, "months").expr(pl.col("day"), [])).to_series().to_list()
    assert ends == [add_months(day, months) for day in days]
    assert ends == [Interval(months, "months").after(day) for day in days]


@given(
    st.lists(DAYS, min_size=1, max_size=30),
    st.integers(min_value=1, max_value=400),
    st.sampled_from(["days", "weeks"]),
)
def test_vectorised_days_and_weeks_agree_with_the_scalar_sum(days, amount, unit):
    interval = Interval(amount, unit)
    frame = pl.Series("day", days, dtype=pl.Date).to_frame()
    ends = frame.select(interval.expr(pl.col("day"), [])).to_series().to_list()
    assert ends == [interval.after(day) for day in days]
