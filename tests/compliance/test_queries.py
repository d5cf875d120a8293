"""The compliance queries: the frame read from the register, scoping, and the committee paper's summaries."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseaudit.cases.models import Case
from caseaudit.compliance.queries import (
    case_timescales,
    cases_frame,
    compliance_summary_for_cycle,
    compliance_summary_for_register,
    register_results,
    results_visible_to,
    timescale_rules,
)
from caseaudit.core.timescales import Status
from tests.cycles.builders import allocate_to, make_cycle

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def statuses(results: pl.DataFrame) -> dict[tuple[str, str], str]:
    return {(row["child_id"], row["check"]): row["status"] for row in results.iter_rows(named=True)}


def test_the_frame_holds_open_cases_with_their_dates_as_dates(register):
    frame = cases_frame(Case.objects.all())
    assert frame["child_id"].to_list() == ["N000001", "N000002", "S000001"]
    assert frame.schema["latest_pathway_plan"] == pl.Date and frame.schema["case_id"] == pl.Int64
    row = frame.row(0, named=True)
    assert (row["case_id"], row["latest_pathway_plan"], row["last_supervision"]) == (
        register.care_leaver.pk,
        date(2026, 3, 1),
        date(2026, 10, 10),
    )
    # No open case has a recording backlog date: the register does not record them, so the column is left
    # out and case recording is data missing rather than "nothing waiting".
    assert "recording_backlog_since" not in frame.columns
    assert set(statuses(register_results(AS_OF)).items()) >= {(("N000001", "case-recording"), "data-missing")}


def test_once_the_register_records_backlogs_an_empty_one_means_nothing_waiting(register):
    Case.objects.filter(pk=register.child_in_need.pk).update(recording_backlog_since=date(2026, 10, 12))
    found = statuses(register_results(AS_OF))
    assert found[("N000001", "case-recording")] == "compliant"
    assert found[("S000001", "case-recording")] != "data-missing"
    assert {r.check: r.status.value for r in case_timescales(register.care_leaver, AS_OF)}[
        "case-recording"
    ] == "compliant"


def test_an_empty_register_gives_an_empty_result():
    assert register_results(AS_OF).is_empty()
    assert compliance_summary_for_register(AS_OF).is_empty()


def test_a_register_checked_in_batches_gives_what_checking_it_whole_gives(register, monkeypatch):
    from caseaudit.compliance import queries
    from caseaudit.core.timescales import evaluate

    whole = evaluate(cases_frame(Case.objects.all()), timescale_rules(), AS_OF)
    monkeypatch.setattr(queries, "CHECK_BATCH", 2)  # a batch of two cases: several batches here
    batched = queries.compliance_results(Case.objects.all(), AS_OF)
    assert Case.objects.filter(closed_on__isnull=True).count() > 2
    assert batched.equals(whole)


def test_results_carry_each_cases_status_and_days_overdue(register):
    results = register_results(AS_OF)
    found = statuses(results)
    assert found[("N000001", "pathway-plan-review")] == Status.OVERDUE
    assert found[("N000001", "personal-adviser-contact")] == Status.COMPLIANT
    assert found[("N000001", "supervision")] == Status.DUE_SOON
    assert found[("S000001", "supervision")] == Status.OVERDUE
    assert found[("N000002", "looked-after-review")] == Status.DATA_MISSING
    assert "N000003" not in results["child_id"].to_list()  # closed
    overdue = results.filter(pl.col("status") == "overdue").select("child_id", "check", "days_overdue").rows()
    assert sorted(overdue) == [("N000001", "pathway-plan-review", 63), ("S000001", "supervision", 35)]
    assert set(results["case_id"].to_list()) == {
        register.care_leaver.pk,
        register.looked_after.pk,
        register.child_in_need.pk,
    }


@pytest.mark.parametrize(
    ("persona", "children"),
    [
        ("qa_lead", {"N000001", "N000002", "S000001"}),
        ("moderator", {"N000001", "N000002", "S000001"}),
        ("team_manager", {"N000001", "N000002"}),
        ("worker", {"N000001", "N000002"}),
        ("outsider", {"S000001"}),
        ("auditor", set()),
        ("senior_leader", set()),
    ],
)
def test_each_person_gets_the_results_of_the_cases_they_may_see(register, persona, children):
    user = getattr(register.personas, persona)
    assert set(results_visible_to(user, AS_OF)["child_id"].to_list()) == children


def test_an_auditor_gets_the_results_of_their_allocated_cases(register):
    cycle = make_cycle([register.care_leaver, register.child_in_need])
    allocate_to(cycle, register.personas.auditor, [register.child_in_need])
    assert set(results_visible_to(register.personas.auditor, AS_OF)["child_id"].to_list()) == {"S000001"}


def test_the_register_summary_counts_per_check_and_cohort(register):
    summary = compliance_summary_for_register(AS_OF)
    assert summary.columns == [
        "check",
        "cohort",
        "applicable",
        "compliant",
        "overdue",
        "due_soon",
        "not_applicable",
        "data_missing",
        "done_late",
    ]
    by_key = {(row["check"], row["cohort"]): row for row in summary.iter_rows(named=True)}
    assert by_key[("pathway-plan-review", "care-leaver")]["overdue"] == 1
    supervision = {cohort: by_key[("supervision", cohort)] for cohort in ("care-leaver", "child-in-need")}
    assert supervision["care-leaver"]["due_soon"] == 1 and supervision["child-in-need"]["overdue"] == 1
    assert by_key[("supervision", "looked-after")]["data_missing"] == 1
    # Every case once per check of its cohort; the closed case nowhere.
    assert by_key[("supervision", "care-leaver")]["applicable"] == 1


def test_the_cycle_summary_counts_only_the_cycles_open_cases(register):
    cycle = make_cycle([register.child_in_need, register.closed])
    summary = compliance_summary_for_cycle(cycle, AS_OF)
    assert set(summary["cohort"].to_list()) == {"child-in-need"}
    row = summary.filter(pl.col("check") == "supervision").row(0, named=True)
    assert (row["applicable"], row["overdue"]) == (1, 1)


def test_the_cycle_summary_reads_in_two_queries(register, django_assert_num_queries):
    cycle = make_cycle([register.child_in_need, register.care_leaver])
    whole = compliance_summary_for_cycle(cycle, AS_OF)
    # Once the register's results are kept: its fingerprint, and the sample's case ids.
    with django_assert_num_queries(2):
        assert compliance_summary_for_cycle(cycle, AS_OF).equals(whole)


def test_one_case_gives_the_same_results_as_the_register(register):
    from_register = statuses(register_results(AS_OF).filter(pl.col("child_id") == "N000001"))
    from_case = {("N000001", r.check): r.status.value for r in case_timescales(register.care_leaver, AS_OF)}
    assert from_case == from_register
    assert case_timescales(register.closed, AS_OF) == []


def test_local_rules_from_the_setting_replace_the_shipped_ones(register, settings, tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text(
        "version: 3\nname: Our supervision standard\nrules:\n"
        "  - slug: supervision\n    label: Supervision (fortnightly)\n    kind: local\n"
        "    description: Every 2 weeks.\n    latest: last_supervision\n    then:\n      - every: 2 weeks\n",
        encoding="utf-8",
    )
    settings.CASEAUDIT_TIMESCALE_RULES = str(local)
    rules = timescale_rules()
    assert rules.get("supervision").label == "Supervision (fortnightly)" and rules.local_version == 3
    # Due 24 October under the local rule: overdue now, where the shipped 4 weeks made it due soon.
    assert statuses(register_results(AS_OF))[("N000001", "supervision")] == Status.OVERDUE
