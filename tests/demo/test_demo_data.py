from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent, Role, User
from caseaudit.cases.models import Case, Staff, Team
from caseaudit.core.characteristics import ETHNICITY_LABELS
from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.looked_after import LEGAL_STATUS_LABELS, PLACEMENT_TYPE_LABELS
from caseaudit.core.register import CHILD_ID_PATTERN, COLUMNS, DATE_COLUMNS, KEY_DATE_COLUMNS
from caseaudit.core.timescales import evaluate_case, load_rules
from caseaudit.demo.authority import (
    DEMO_PASSWORD,
    DEMO_USERS,
    SOUTH,
    DemoDataRefused,
    build_demo_authority,
    generate_register_rows,
)

TODAY = date(2025, 11, 3)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Password hashes are slow on purpose; these tests sign in, they do not test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rows(n: int = 1000, seed: int = 2018) -> list[dict]:
    return list(generate_register_rows(n, seed, TODAY))


def years_between(birth_month: str, on: date) -> float:
    year, month = map(int, birth_month.split("-"))
    return (on.year * 12 + on.month - year * 12 - month) / 12


def test_same_seed_same_rows_and_another_seed_other_rows():
    first = rows(500, seed=7)
    assert first == rows(500, seed=7)
    assert first != rows(500, seed=8)
    assert list(generate_register_rows(5, 7, TODAY + timedelta(days=1))) != first[:5]


def test_rows_have_every_register_column_as_text():
    for row in rows(200):
        assert tuple(row) == COLUMNS
        assert all(isinstance(value, str) for value in row.values())


def test_every_cohort_is_present_in_realistic_proportions():
    counts = Counter(row["cohort"] for row in rows(2000))
    assert set(counts) == set(COHORT_SLUGS)
    for cohort in COHORT_SLUGS:
        assert 0.08 < counts[cohort] / 2000 < 0.40, cohort


def test_child_unique_ids_are_unique_pseudonyms_and_nothing_else_names_a_child():
    generated = rows(3000)
    ids = [row["child_id"] for row in generated]
    assert len(set(ids)) == len(ids)
    # Nothing about a child is free text: an ID, a slug, DfE codes, dates and months. Only staff columns
    # hold names.
    child_level = re.compile(r"^(DEMO\d{7}|[a-z-]+|[A-Z]{1,4}|[A-Z]\d|\d{4}-\d{2}(-\d{2})?|)$")
    for row in generated:
        assert re.fullmatch(CHILD_ID_PATTERN, row["child_id"])
        assert re.fullmatch(r"DEMO\d{7}", row["child_id"])
        for column in set(COLUMNS) - {"team", "worker", "manager"}:
            assert child_level.match(row[column]), (column, row[column])
        assert row["sex"] in {"M", "F", "U", ""} and row["disability"] in {"Y", "N", ""}
        assert row["ethnicity"] == "" or row["ethnicity"] in ETHNICITY_LABELS
        # A looked after child's legal status and placement are codes of the looked after children return.
        assert row["legal_status"] == "" or row["legal_status"] in LEGAL_STATUS_LABELS
        assert row["placement_type"] == "" or row["placement_type"] in PLACEMENT_TYPE_LABELS
    # Sorted IDs do not run in sequence, as a row number would.
    numbers = sorted(int(i[4:]) for i in ids)
    assert min(b - a for a, b in pairwise(numbers)) > 1


def test_birth_months_fit_the_cohort():
    for row in rows(3000):
        as_at = date.fromisoformat(row["closed_on"]) if row["closed_on"] else TODAY
        age = years_between(row["birth_month"], as_at)
        if row["cohort"] == "care-leaver":
            assert 18 <= age < 25, row
        else:
            assert 0 <= age < 18, row


def test_dates_are_in_order_and_never_in_the_future():
    for row in rows(3000):
        as_at = date.fromisoformat(row["closed_on"]) if row["closed_on"] else TODAY
        assert as_at <= TODAY
        birth = date.fromisoformat(row["birth_month"] + "-01")
        opened = date.fromisoformat(row["opened_on"])
        assert birth <= opened <= as_at, row
        for column in KEY_DATE_COLUMNS:
            if row[column]:
                assert birth <= date.fromisoformat(row[column]) <= as_at, (column, row)
        if row["assessment_completed"]:
            assert row["assessment_start"] == "" or row["assessment_start"] <= row["assessment_completed"]
        if row["initial_conference"] and row["strategy_discussion"]:
            assert row["strategy_discussion"] <= row["initial_conference"]


def test_each_cohort_has_its_key_dates_and_only_those():
    expected = {
        "care-leaver": {"latest_pathway_plan", "latest_contact"},
        "looked-after": {
            "looked_after_since",
            "placement_start",
            "initial_health_assessment",
            "latest_statutory_review",
            "last_social_work_visit",
            "last_health_assessment",
            "last_dental_check",
            "latest_pep",
        },
        "child-protection": {
            "strategy_discussion",
            "initial_conference",
            "first_core_group",
            "cp_plan_start",
            "last_statutory_visit",
            "latest_review_conference",
        },
        "child-in-need": {
            "referral_date",
            "assessment_start",
            "assessment_completed",
            "last_seen",
            "cin_plan_start",
            "latest_cin_plan_review",
        },
        "early-help": {"assessment_start", "assessment_completed"},
    }
    # Supervision and recording apply to every cohort.
    expected = {
        cohort: dates | {"last_supervision", "recording_backlog_since"} for cohort, dates in expected.items()
    }
    seen: dict[str, set[str]] = {cohort: set() for cohort in expected}
    for row in rows(3000):
        filled = {column for column in KEY_DATE_COLUMNS if row[column]}
        assert filled <= expected[row["cohort"]], row
        seen[row["cohort"]] |= filled
    assert seen == expected


def test_children_in_care_have_a_placement_that_their_last_visit_follows():
    in_care = [row for row in rows(4000) if row["cohort"] == "looked-after"]
    for row in in_care:
        assert row["looked_after_since"] <= row["placement_start"], row
        if row["last_social_work_visit"]:
            assert row["placement_start"] <= row["last_social_work_visit"], row
    moved = sum(1 for row in in_care if row["placement_start"] > row["looked_after_since"])
    assert 0.1 < moved / len(in_care) < 0.5
    answers = Counter(row["placement_intended_until_18"] for row in in_care)
    assert set(answers) == {"Y", "N", ""}
    assert answers[""] < answers["Y"] and answers[""] < answers["N"]


def test_the_one_off_statutory_checks_are_mostly_on_time():
    rules = load_rules()
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows(4000):
        dates = {
            column: date.fromisoformat(row[column]) if row[column] else None for column in KEY_DATE_COLUMNS
        }
        for result in evaluate_case(dates, row["cohort"], rules, TODAY):
            if result.check in ("initial-health-assessment", "first-core-group") and not row["closed_on"]:
                counts[result.check, "done late" if result.days_late else result.status.value] += 1
    for check in ("initial-health-assessment", "first-core-group"):
        total = sum(n for (c, _), n in counts.items() if c == check)
        assert 0.03 < counts[check, "done late"] / total < 0.3, counts
        assert counts[check, "compliant"] / total > 0.6, counts


def test_a_share_of_key_dates_is_overdue_and_some_are_missing():
    care_leavers = [row for row in rows(4000) if row["cohort"] == "care-leaver" and not row["closed_on"]]
    plans = [row["latest_pathway_plan"] for row in care_leavers]
    six_months_ago = (TODAY - timedelta(days=183)).isoformat()
    overdue = sum(1 for plan in plans if plan and plan < six_months_ago)
    missing = sum(1 for plan in plans if not plan)
    assert 0.08 < overdue / len(plans) < 0.35
    assert 0.01 < missing / len(plans) < 0.15
    cp = [
        row
        for row in rows(4000)
        if row["cohort"] == "child-protection" and row["last_statutory_visit"] and not row["closed_on"]
    ]
    late = sum(1 for row in cp if row["last_statutory_visit"] < (TODAY - timedelta(days=14)).isoformat())
    assert 0.05 < late / len(cp) < 0.4


def test_a_few_cases_are_closed_and_a_few_unallocated():
    generated = rows(4000)
    closed = sum(1 for row in generated if row["closed_on"])
    unallocated = sum(1 for row in generated if not row["worker"])
    assert 0.01 < closed / 4000 < 0.1
    assert 0 < unallocated / 4000 < 0.05
    assert all(row["team"] and row["manager"] for row in generated)


@pytest.mark.django_db
def test_build_writes_teams_staff_cases_and_says_what_it_did():
    summary = build_demo_authority(cases=240, seed=2018, today=TODAY)
    assert summary.cases == Case.objects.count() == 240
    assert summary.open_cases == Case.objects.filter(closed_on__isnull=True).count()
    assert summary.closed_cases > 0
    assert set(summary.by_cohort) == set(COHORT_SLUGS) and all(summary.by_cohort.values())
    assert 5 <= Team.objects.count() <= 6 == summary.teams
    assert summary.staff == Staff.objects.count()
    assert set(Case.objects.values_list("cohort", flat=True)) == set(COHORT_SLUGS)
    stored = {case.child_id: case for case in Case.objects.select_related("team", "worker", "manager")}
    for row in generate_register_rows(240, 2018, TODAY):
        case = stored[row["child_id"]]
        assert case.team is not None and case.team.name == row["team"]
        assert case.manager is not None and case.manager.name == row["manager"]
        assert (case.worker.name if case.worker else "") == row["worker"]
        for column in DATE_COLUMNS:
            value = getattr(case, column)
            assert (value.isoformat() if value else "") == row[column]
    built = ChangeEvent.objects.get(event="demo.built")
    assert (built.actor_name, built.new["cases"], built.new["seed"]) == ("system", 240, summary.seed)


@pytest.mark.django_db
def test_build_refuses_a_database_with_cases():
    build_demo_authority(cases=10, seed=1, today=TODAY)
    with pytest.raises(DemoDataRefused):
        build_demo_authority(cases=10, seed=2, today=TODAY)


@pytest.mark.django_db
def test_there_is_a_demo_user_for_every_role_and_each_can_sign_in(client):
    summary = build_demo_authority(cases=240, seed=2018, today=TODAY)
    # One account per role, and a team manager and a worker for each of the other teams.
    assert set(summary.users_created) >= {u.username for u in DEMO_USERS}
    assert len(summary.users_created) == len(DEMO_USERS) + 2 * 5
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for demo in DEMO_USERS:
        assert client.login(username=demo.username, password=DEMO_PASSWORD), demo.username
        client.logout()
    assert User.objects.filter(role=Role.AUDITOR).count() == 3


@pytest.mark.django_db
def test_demo_users_are_linked_to_staff_so_scopes_and_conflicts_can_be_shown():
    build_demo_authority(cases=240, seed=2018, today=TODAY)
    manager = User.objects.get(username="team-manager").staff
    worker = User.objects.get(username="social-worker").staff
    assert manager is not None and worker is not None
    assert worker.team == manager.team
    assert Case.objects.filter(manager=manager, closed_on__isnull=True).count() >= 20
    assert Case.objects.filter(worker=worker, closed_on__isnull=True).count() >= 5
    auditors = {u.username: u.staff for u in User.objects.filter(role=Role.AUDITOR) if u.staff}
    assert len(auditors) == 3
    assert not Case.objects.filter(worker__in=auditors.values()).exists()
    # auditor-2 works in a team with cases: an allocation must never give them that team's cases.
    peer = auditors["auditor-2"]
    assert peer.team is not None and peer.team.name == SOUTH and peer.team.cases.exists()
    assert auditors["auditor"].team is None and auditors["auditor-3"].team is None
    assert User.objects.get(username="senior-leader").staff is None


@pytest.mark.django_db
def test_an_existing_account_with_a_demo_username_is_left_alone():
    User.objects.create_user("moderator", password="someone-elses-password", role=Role.MODERATOR)
    summary = build_demo_authority(cases=20, seed=3, today=TODAY)
    assert summary.users_skipped == ("moderator",)
    assert User.objects.get(username="moderator").check_password("someone-elses-password")
    out = StringIO()
    call_command("demo_data", "--sign-ins", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if " moderator " in line)
    assert DEMO_PASSWORD not in line and "not the demo password" in line


@pytest.mark.django_db
def test_command_if_empty_is_idempotent():
    out = StringIO()
    call_command("demo_data", "--if-empty", "--today", "2025-11-03", stdout=out)
    assert "240 cases" in out.getvalue()
    before = list(Case.objects.values_list("child_id", "updated_at"))
    users = User.objects.count()

    again = StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "already has 240 cases" in again.getvalue()
    assert list(Case.objects.values_list("child_id", "updated_at")) == before
    assert User.objects.count() == users


@pytest.mark.django_db
def test_command_without_if_empty_refuses_a_database_with_cases():
    call_command("demo_data", "--cases", "5", stdout=StringIO())
    with pytest.raises(CommandError, match="already has 5 cases"):
        call_command("demo_data", "--cases", "5", stdout=StringIO())


@pytest.mark.django_db
def test_command_options_choose_size_seed_and_date():
    call_command("demo_data", "--cases", "30", "--seed", "9", "--today", "2024-04-30", stdout=StringIO())
    expected = sorted(row["child_id"] for row in generate_register_rows(30, 9, date(2024, 4, 30)))
    assert list(Case.objects.values_list("child_id", flat=True)) == expected
    with pytest.raises(CommandError, match="--today"):
        call_command("demo_data", "--today", "yesterday", stdout=StringIO())


@pytest.mark.django_db
def test_sign_ins_prints_every_account_with_the_password():
    empty = StringIO()
    call_command("demo_data", "--sign-ins", stdout=empty)
    assert "no demo accounts yet" in empty.getvalue()
    call_command("demo_data", "--cases", "60", stdout=StringIO())
    out = StringIO()
    call_command("demo_data", "--sign-ins", stdout=out)
    text = out.getvalue()
    for demo in DEMO_USERS:
        line = next(line for line in text.splitlines() if f" {demo.username} " in line)
        assert DEMO_PASSWORD in line and Role(demo.role).label in line
    assert "Children and Families North" in text
    assert Case.objects.count() == 60  # printing builds nothing


@pytest.mark.django_db
def test_command_refuses_outside_demo_debug_and_test_settings(settings):
    settings.DEMO = settings.DEBUG = settings.TESTING = False
    with pytest.raises(CommandError, match="CASEAUDIT_DEMO=1"):
        call_command("demo_data", stdout=StringIO())
    assert not Case.objects.exists() and not User.objects.exists()
