import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import AccessLog, ChangeEvent, Role
from caseaudit.cycles.models import Cycle
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    return [make_case(f"C{i:03d}", ["care-leaver", "child-in-need"][i % 2]) for i in range(10)]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_sample_and_stores_nothing(register):
    out, _ = run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "4", "--dry-run")
    assert "Dry run, nothing stored: Autumn 2018" in out and "5 of 10 open cases" in out
    assert not Cycle.objects.exists()


def test_the_printed_sample_is_recorded_in_the_access_log(register):
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "4", "--dry-run")
    dry = AccessLog.objects.get()
    assert (dry.user, dry.action, dry.object_type, dry.object_id) == (None, "export", "cycle", "")
    assert dry.detail == "Autumn 2018: sample of 5 cases, text, dry run"
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "4", "--format", "csv")
    planned = AccessLog.objects.exclude(pk=dry.pk).get()
    assert planned.object_id == str(Cycle.objects.get().pk)
    assert planned.detail == "Autumn 2018: sample of 5 cases, csv"


def test_csv_and_json_formats(register):
    out, _ = run(
        "plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "4", "--dry-run", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["child_id", "cohort", "reason"] and len(rows) == 5
    out, _ = run(
        "plan_cycle",
        "--season",
        "autumn",
        "--year",
        "2018",
        "--seed",
        "4",
        "--focus",
        "CIN",
        "--focus-reason",
        "Children in need are next on the inspection plan",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["created"] and data["seed"] == 4
    assert {row["reason"] for row in data["sample"] if row["cohort"] == "child-in-need"} == {"focus-cohort"}
    cycle = Cycle.objects.get()
    assert cycle.audits.count() == 5
    assert cycle.focus_reason == "Children in need are next on the inspection plan"


def test_a_focus_cohort_needs_a_reason_unless_only_a_dry_run(register):
    with pytest.raises(CommandError, match="--focus-reason"):
        run("plan_cycle", "--season", "autumn", "--year", "2018", "--focus", "CIN")
    assert not Cycle.objects.exists()
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--focus", "CIN", "--dry-run")


def test_same_seed_same_sample(register):
    args = (
        "plan_cycle",
        "--season",
        "autumn",
        "--year",
        "2018",
        "--seed",
        "9",
        "--dry-run",
        "--format",
        "csv",
    )
    assert run(*args)[0] == run(*args)[0]


def test_bad_focus_is_refused(register):
    with pytest.raises(CommandError, match="Not a cohort"):
        run("plan_cycle", "--season", "autumn", "--year", "2018", "--focus", "adoption")
    assert not Cycle.objects.exists()


def test_list_allocate_and_export(register):
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    make_user(Role.AUDITOR, "ann")
    make_user(Role.AUDITOR, "bob")
    out, _ = run("allocate_cycle", "autumn 2018")
    assert "5 audits allocated" in out and "ann" in out and "bob" in out
    # Every audit has one of the two, shared as evenly as five allow.
    held = Counter(Cycle.objects.get().audits.values_list("auditor__username", flat=True))
    assert set(held) == {"ann", "bob"} and sorted(held.values()) == [2, 3]
    out, _ = run("cycles")
    assert "Autumn 2018" in out and "In progress" in out  # allocated after its window opened
    out, _ = run("export_cycle", "Autumn 2018")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5 and {r["auditor"] for r in rows} == {"ann", "bob"}
    assert list(rows[0]) == ["child_id", "cohort", "team", "reason", "auditor", "status", "overdue"]


def test_export_xlsx_needs_a_file(register, tmp_path):
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    with pytest.raises(CommandError, match="--output"):
        run("export_cycle", "Autumn 2018", "--format", "xlsx")
    target = tmp_path / "autumn.xlsx"
    run("export_cycle", "Autumn 2018", "--format", "xlsx", "--output", str(target))
    import polars as pl

    assert pl.read_excel(target, sheet_name="Audits").height == 5


def test_unknown_cycle_names_the_known_ones(register):
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    make_user(Role.AUDITOR, "ann")
    with pytest.raises(CommandError, match="'Autumn 2018'"):
        run("allocate_cycle", "Winter 2018")
    assert not Cycle.objects.get().audits.filter(auditor__isnull=False).exists()


def test_no_cycles_yet():
    out, _ = run("cycles")
    assert "No cycles yet" in out


def test_auditors_and_their_capacity(register):
    ann = make_user(Role.AUDITOR, "ann")
    out, said = run("auditors", "--capacity", "ann", "12")
    assert "ann" in out and "12" in out
    assert said == "ann's capacity is now at most 12 audits a cycle.\n"
    ann.refresh_from_db()
    assert ann.audit_capacity == 12
    with pytest.raises(CommandError, match="not a number"):
        run("auditors", "--capacity", "ann", "lots")
    mo = make_user(Role.MODERATOR, "mo")
    with pytest.raises(CommandError, match="not an auditor"):
        run("auditors", "--capacity", "mo", "3")
    ann.refresh_from_db()
    mo.refresh_from_db()
    assert (ann.audit_capacity, mo.audit_capacity) == (12, None)
    run("auditors", "--capacity", "ann", "none")
    ann.refresh_from_db()
    assert ann.audit_capacity is None


def test_close_cycle(register):
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    out, _ = run("close_cycle", "Autumn 2018")
    assert "closed" in out and Cycle.objects.get().status == "closed"
    with pytest.raises(CommandError, match="still open"):
        run("close_cycle", "Autumn 2018")


def test_closing_a_cycle_before_its_window_ends_needs_a_reason(register):
    run("plan_cycle", "--season", "autumn", "--year", "2099", "--seed", "1")
    with pytest.raises(CommandError, match="Enter why the cycle closes before its window ends"):
        run("close_cycle", "Autumn 2099")
    assert Cycle.objects.get().status == "planned"
    run("close_cycle", "Autumn 2099", "--reason", "Service restructure")
    cycle = Cycle.objects.get()
    assert cycle.status == "closed"
    assert cycle.status_changes.get().reason == "Service restructure"


def test_two_cycles_from_the_command_line_audit_every_open_case_once_in_the_year(register):
    run(
        "plan_cycle", "--season", "autumn", "--year", "2018", "--focus", "care-leaver", "--seed", "3",
        "--focus-reason", "Care leavers first before the inspection",
    )  # fmt: skip
    out, _ = run("plan_cycle", "--season", "spring", "--year", "2019", "--seed", "4", "--format", "json")
    autumn, spring = (
        set(c.audits.values_list("case__child_id", flat=True)) for c in Cycle.objects.order_by("starts_on")
    )
    assert autumn.isdisjoint(spring)
    assert autumn | spring == {case.child_id for case in register}
    assert json.loads(out)["eligible"] == 5


def test_commands_act_as_the_person_named_with_their_permissions(register):
    moderator = make_user(Role.MODERATOR, "mo")
    make_user(Role.SOCIAL_WORKER, "sam")
    make_user(Role.AUDITOR, "ann")
    plan = ("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    with pytest.raises(CommandError, match="Only the QA lead or a moderator may plan"):
        run(*plan, "--dry-run", "--as", "sam")  # a dry run lists children's cases too
    with pytest.raises(CommandError, match="No active account has the username 'nobody'"):
        run(*plan, "--as", "nobody")
    run(*plan, "--as", "mo")
    run("allocate_cycle", "Autumn 2018", "--as", "mo")
    assert [(e.event, e.actor) for e in ChangeEvent.objects.order_by("pk")] == [
        ("cycle.planned", moderator),
        ("cycle.allocated", moderator),
    ]
    with pytest.raises(CommandError, match="Only the QA lead may set auditors' capacity"):
        run("auditors", "--capacity", "ann", "3", "--as", "mo")
    with pytest.raises(CommandError, match="Only the QA lead or a moderator may plan"):
        run("export_cycle", "Autumn 2018", "--as", "ann")
    with pytest.raises(CommandError, match="Only the QA lead or a moderator may plan"):
        run("close_cycle", "Autumn 2018", "--as", "ann")
    run("close_cycle", "Autumn 2018")
    assert ChangeEvent.objects.first().actor_name == "system"
    assert Cycle.objects.get().status == "closed"


def test_a_thematic_audit_of_every_care_leaver_from_the_command_line(register):
    out, _ = run(
        "plan_cycle", "--season", "spring", "--year", "2019", "--type", "thematic",
        "--theme", "Pathway plans", "--scope-cohort", "care leavers", "--every-case", "--format", "csv",
    )  # fmt: skip
    cycle = Cycle.objects.get()
    assert (cycle.audit_type, cycle.theme, cycle.scope_cohort, cycle.sample_rule) == (
        "thematic", "Pathway plans", "care-leaver", "every-case",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5 and {r["reason"] for r in rows} == {"in-scope"}


def test_a_case_file_audit_takes_no_scope_from_the_command_line(register):
    with pytest.raises(CommandError, match="--scope-cohort is for other kinds"):
        run(
            "plan_cycle", "--season", "spring", "--year", "2019", "--scope-cohort", "care-leaver", "--dry-run"
        )


def _sample(name: str) -> list[str]:
    cycle = Cycle.objects.get(name=name)
    return sorted(cycle.audits.values_list("case__child_id", flat=True))


def test_a_draft_is_planned_its_sample_swapped_then_confirmed(register):
    make_user(Role.QA_LEAD, "qa")
    out, _ = run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1", "--draft", "--as", "qa")
    assert out.startswith("Planned as a draft Autumn 2018")
    assert Cycle.objects.get().status == "draft"
    sample = _sample("Autumn 2018")
    spare = next(case.child_id for case in register if case.child_id not in sample)
    with pytest.raises(CommandError, match="not in the sample"):
        run("cycle", "swap", "Autumn 2018", "--out", spare, "--in", sample[0], "--reason", "x", "--as", "qa")
    out, _ = run("cycle", "swap", "Autumn 2018", "--out", sample[0], "--in", spare, "--reason", "A complaint",
                 "--as", "qa")  # fmt: skip
    assert (
        out == f"Autumn 2018: {sample[0]} is out of the sample, {spare} in. The history keeps the change.\n"
    )
    assert _sample("Autumn 2018") == sorted([*sample[1:], spare])
    out, _ = run("cycle", "confirm", "Autumn 2018", "--as", "qa")
    assert "is confirmed with 5 cases" in out and Cycle.objects.get().status == "planned"
    with pytest.raises(CommandError, match="only a draft sample can be changed"):
        run("cycle", "swap", "Autumn 2018", "--out", spare, "--in", sample[0], "--reason", "x", "--as", "qa")
    events = ChangeEvent.objects.filter(subject_type="cycle").values_list("event", flat=True)
    assert {"cycle.sample-swapped", "cycle.confirmed"} <= set(events)


def test_discarding_a_draft_asks_to_be_sure(register):
    run("plan_cycle", "--season", "spring", "--year", "2019", "--seed", "2", "--draft")
    with pytest.raises(CommandError, match="add --yes"):
        run("cycle", "discard", "Spring 2019")
    assert Cycle.objects.exists()
    out, _ = run("cycle", "discard", "Spring 2019", "--yes")
    assert out.startswith("Spring 2019 is discarded") and not Cycle.objects.exists()


def test_an_audit_is_reallocated_withdrawn_and_a_closed_cycle_reopened(register):
    from datetime import date

    from caseaudit.cases.models import Case

    make_user(Role.QA_LEAD, "qa")
    run("plan_cycle", "--season", "autumn", "--year", "2018", "--seed", "1")
    make_user(Role.AUDITOR, "ann")
    run("allocate_cycle", "Autumn 2018")
    make_user(Role.AUDITOR, "bob")
    first, second = _sample("Autumn 2018")[:2]
    out, _ = run("cycle", "reallocate", "Autumn 2018", first, "--to", "bob", "--reason", "Ann is on leave",
                 "--as", "qa")  # fmt: skip
    assert f"the audit of {first} is now bob's" in out
    with pytest.raises(CommandError, match="while the case is open"):
        run("cycle", "withdraw", "Autumn 2018", second, "--reason", "Closed", "--as", "qa")
    Case.objects.filter(child_id=second).update(closed_on=date(2018, 10, 1))
    out, _ = run("cycle", "withdraw", "Autumn 2018", second, "--reason", "The case closed", "--as", "qa")
    assert f"the audit of {second} is withdrawn" in out
    run("close_cycle", "Autumn 2018", "--as", "qa")
    out, _ = run("cycle", "reopen", "Autumn 2018", "--reason", "Audits came in late", "--as", "qa")
    assert out.startswith("Autumn 2018 is reopened, now in progress")
    with pytest.raises(CommandError, match="Only a closed cycle"):
        run("cycle", "reopen", "Autumn 2018", "--reason", "x", "--as", "qa")
