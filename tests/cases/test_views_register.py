"""The case register (cases:list) and the case page (cases:detail)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, Role
from caseaudit.cases.models import Case

from ..factories import make_case, make_staff, make_team, make_user

LIST = reverse("cases:list")


def child_ids(response) -> list[str]:
    """The Child Unique IDs in the register table, in the order shown."""
    return re.findall(r'<a class="govuk-link app-child-id" href="/cases/\d+/">([^<]+)</a>', response.text)


@pytest.fixture
def qa_client(client, personas):
    client.force_login(personas.qa_lead)
    return client


@pytest.fixture
def register(personas):
    """A few more cases beside the personas' two, across cohorts, teams and states."""
    north = personas.own_case.team
    south = personas.other_case.team
    east = make_team("East Early Help")
    will, olu = personas.own_case.worker, personas.other_case.worker
    erin = make_staff("Erin Early", east)
    make_case("N000002", "looked-after", north, will, opened_on=date(2020, 5, 1))
    make_case("N000003", "child-protection", north, None, opened_on=date(2019, 1, 1))
    make_case("S000002", "care-leaver", south, olu, opened_on=date(2024, 2, 2))
    make_case("E000001", "early-help", east, erin, opened_on=date(2023, 3, 3))
    make_case("E000002", "early-help", east, erin, closed_on=date(2024, 1, 1))
    return personas


def test_register_lists_visible_open_cases_by_child_id(qa_client, register):
    response = qa_client.get(LIST)
    assert response.status_code == 200
    assert child_ids(response) == ["E000001", "N000001", "N000002", "N000003", "S000001", "S000002"]
    assert "6 open cases" in response.text
    assert 'aria-sort="ascending"' in response.text


def test_worker_sees_only_their_own_cases_and_filter_values(client, register):
    client.force_login(register.worker)
    response = client.get(LIST)
    assert child_ids(response) == ["N000001", "N000002"]
    # The selects offer only teams and workers of visible cases: no other team's names leak.
    assert "South Leaving Care" not in response.text
    assert "Olu Outsider" not in response.text
    assert "East Early Help" not in response.text


def test_team_manager_sees_their_team(client, register):
    client.force_login(register.team_manager)
    assert child_ids(client.get(LIST)) == ["N000001", "N000002", "N000003"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"cohort": "early-help"}, ["E000001"]),
        ({"cohort": "early-help", "status": "all"}, ["E000001", "E000002"]),
        ({"status": "closed"}, ["E000002"]),
        ({"q": "n0000"}, ["N000001", "N000002", "N000003"]),  # case-insensitive
        ({"q": "0002"}, ["N000002", "S000002"]),  # contains, not only prefix
        ({"q": "  S00  "}, ["S000001", "S000002"]),  # surrounding spaces ignored
        ({"worker": "none"}, ["N000003"]),
        ({"q": "ZZZ"}, []),
    ],
)
def test_filters_and_search(qa_client, register, query, expected):
    assert child_ids(qa_client.get(LIST, query)) == expected


def test_team_and_worker_filters(qa_client, register):
    east = Case.objects.get(child_id="E000001")
    assert child_ids(qa_client.get(LIST, {"team": east.team_id})) == ["E000001"]
    assert child_ids(qa_client.get(LIST, {"worker": register.own_case.worker_id})) == ["N000001", "N000002"]


def test_a_team_outside_the_users_scope_is_an_error_and_reveals_nothing(client, register):
    client.force_login(register.worker)
    response = client.get(LIST, {"team": register.other_case.team_id})
    assert "Select a team from the list" in response.text
    assert 'href="#id_team"' in response.text  # the error summary links to the field
    assert response.text.count("<title>Error: ") == 1
    assert child_ids(response) == ["N000001", "N000002"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-child_id", ["S000002", "S000001", "N000003", "N000002", "N000001", "E000001"]),
        # By need: care leavers first, then looked after, child protection, child in need, early help.
        ("cohort", ["N000001", "S000002", "N000002", "N000003", "S000001", "E000001"]),
        ("team", ["E000001", "N000001", "N000002", "N000003", "S000001", "S000002"]),
        ("-team", ["S000001", "S000002", "N000001", "N000002", "N000003", "E000001"]),
        # Cases without a worker or an opening date come last either way.
        ("worker", ["E000001", "S000001", "S000002", "N000001", "N000002", "N000003"]),
        ("opened_on", ["N000003", "N000002", "E000001", "S000002", "N000001", "S000001"]),
        ("-opened_on", ["S000002", "E000001", "N000002", "N000003", "N000001", "S000001"]),
    ],
)
def test_sorting(qa_client, register, sort, expected):
    assert child_ids(qa_client.get(LIST, {"sort": sort})) == expected


def test_kept_counts_follow_the_register(client, register):
    """The register's counts are kept between requests, filed under the register's fingerprint: a new case,
    a closed one or a change of team shows on the next page, in its place."""
    for person in (register.qa_lead, register.team_manager):
        client.force_login(person)
        before = child_ids(client.get(LIST, {"sort": "worker"}))
        assert child_ids(client.get(LIST, {"sort": "worker"})) == before  # the kept counts
        assert child_ids(client.get(LIST, {"sort": "-opened_on"}))
    make_case(
        "N000009",
        "child-in-need",
        register.own_case.team,
        register.own_case.worker,
        opened_on=date(2025, 1, 1),
    )
    Case.objects.filter(child_id="N000003").update(closed_on=date(2026, 1, 1))
    client.force_login(register.qa_lead)
    assert child_ids(client.get(LIST, {"sort": "worker"})) == [
        "E000001", "S000001", "S000002", "N000001", "N000002", "N000009",
    ]  # fmt: skip
    assert child_ids(client.get(LIST, {"sort": "-opened_on"}))[:2] == ["N000009", "S000002"]
    client.force_login(register.team_manager)
    assert "N000009" in child_ids(client.get(LIST, {"sort": "worker"}))
    assert "N000003" not in child_ids(client.get(LIST, {"sort": "cohort"}))


def test_sort_headers_say_the_order_and_keep_the_filters(qa_client, register):
    response = qa_client.get(LIST, {"sort": "-team", "cohort": "early-help"})
    text = response.text
    assert re.search(r'aria-sort="descending"><a class="app-table__sort-link" href="\?[^"]*sort=team', text)
    # Sorting by Child Unique ID is the default, so its link needs no sort parameter.
    assert 'aria-sort="none"><a class="app-table__sort-link" href="?cohort=early-help">' in text
    # The filter form carries the sort order, so filtering does not lose it.
    assert '<input type="hidden" name="sort" value="-team">' in text


def test_pagination_keeps_filters(qa_client, personas):
    north = personas.own_case.team
    for number in range(60):
        make_case(f"P{number:04d}", "looked-after", north)
    first = qa_client.get(LIST, {"cohort": "looked-after"})
    assert len(child_ids(first)) == 50
    assert "60 open cases matching your filters" in first.text
    assert "Showing 1 to 50 of 60 cases" in first.text
    assert 'class="govuk-pagination"' in first.text
    assert 'href="?cohort=looked-after&amp;page=2" rel="next"' in first.text
    second = qa_client.get(LIST, {"cohort": "looked-after", "page": 2})
    assert child_ids(second) == [f"P{n:04d}" for n in range(50, 60)]
    assert 'aria-current="page">2<' in second.text.replace("\n", "").replace("  ", "")
    assert 'href="?cohort=looked-after" rel="prev"' in second.text
    # A page past the end shows the last page rather than failing.
    assert child_ids(qa_client.get(LIST, {"cohort": "looked-after", "page": 99})) == child_ids(second)


def test_register_makes_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    user = make_user(Role.QA_LEAD)

    def add_cases(count: int) -> None:
        for _ in range(count):
            team = make_team()
            make_case(None, "care-leaver", team, make_staff(None, team), make_staff(None, team))

    client.force_login(user)
    add_cases(5)
    with CaptureQueriesContext(connection) as few:
        assert len(child_ids(client.get(LIST))) == 5
    add_cases(55)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(child_ids(client.get(LIST))) == 50
    with CaptureQueriesContext(connection) as second_page:
        assert len(child_ids(client.get(LIST, {"page": 2}))) == 10
    # The first request after the register changed reads the filters' teams and workers and keeps them
    # (caseaudit.kept); the next reads the page's own rows, the register's fingerprint, and the access-log
    # entry: the log's lock taken (PostgreSQL), the chain's last entry read, and the entry written.
    assert len(second_page.captured_queries) <= 12


def test_empty_states(client, register):
    client.force_login(register.auditor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "There are no cases for you to see" in response.text
    assert "when an audit cycle starts" in response.text

    client.force_login(register.qa_lead)
    response = client.get(LIST, {"q": "nobody"})
    assert "No open cases match your filters" in response.text
    assert "Clear filters" in response.text


def test_empty_register_points_the_qa_lead_to_the_import(client, db):
    client.force_login(make_user(Role.QA_LEAD))
    response = client.get(LIST)
    assert "The case register is empty" in response.text
    assert reverse("cases:import") in response.text


def test_senior_leader_cannot_see_the_register(client, personas):
    client.force_login(personas.senior_leader)
    response = client.get(LIST)
    assert response.status_code == 403
    assert "You cannot see this page" in response.text


# The case page --------------------------------------------------------------------------------------------


def test_case_page_shows_register_data_and_cohort_dates(client, personas):
    case = personas.own_case
    case.latest_pathway_plan = date(2024, 3, 1)
    case.opened_on = date(2019, 9, 2)
    case.cp_plan_start = date(2015, 4, 7)  # from an earlier child protection plan
    case.sex, case.ethnicity = "F", "MWAS"
    case.save()
    client.force_login(personas.worker)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Female" in text and "White and Asian" in text
    assert "N000001" in text
    assert "govuk-summary-list" in text
    assert "Key dates for care leaver cases" in text
    assert "Latest pathway plan" in text and "1 March 2024" in text
    assert "2 September 2019" in text
    assert "Nadia Manager" in text and "Will Worker" in text and "North Children and Families" in text
    # Dates that belong to other cohorts are tucked away, not removed.
    assert "Other dates in the register" in text
    assert (
        text.index("Latest pathway plan") < text.index("Other dates in the register") < text.index("CP plan")
    )


def test_viewing_a_case_is_logged_without_the_child_id(client, personas):
    client.force_login(personas.team_manager)
    client.get(reverse("cases:detail", args=[personas.own_case.pk]))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_type, entry.object_id) == (
        personas.team_manager,
        "view",
        "case",
        str(personas.own_case.pk),
    )
    assert personas.own_case.child_id not in entry.detail


def test_a_case_out_of_scope_is_not_found_and_not_logged(client, personas):
    client.force_login(personas.worker)
    response = client.get(reverse("cases:detail", args=[personas.other_case.pk]))
    assert response.status_code == 404
    assert "S000001" not in response.text
    missing = client.get(reverse("cases:detail", args=[999_999]))
    assert missing.status_code == 404
    # A case that exists and one that does not look the same (but for the masked CSRF token).
    unmasked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert unmasked.sub("", missing.text) == unmasked.sub("", response.text)
    assert not AccessLog.objects.exists()


def test_pages_use_the_service_shell(client, personas):
    client.force_login(personas.qa_lead)
    text = client.get(LIST).text
    assert 'class="govuk-skip-link"' in text
    assert "Case file audits" in text
    assert "govuk-header__logotype" not in text and "GOV.UK" not in text
    assert 'action="/sign-out/"' in text and "csrfmiddlewaretoken" in text
    assert 'aria-current="page"' in text


# The access log ------------------------------------------------------------------------------------------


def test_each_view_of_the_register_is_logged_with_its_page_and_filters(qa_client, personas):
    for n in range(60):
        make_case(f"P{n:06d}", "child-in-need", personas.other_case.team)
    qa_client.get(LIST, {"page": 2, "cohort": "child-in-need", "sort": "-opened_on"})
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_type) == (personas.qa_lead, "view", "case-list")
    assert entry.detail == "11 of 61 cases, page 2 of 2; status open, cohort child-in-need, sort -opened_on"


def test_a_search_by_child_unique_id_is_logged_with_the_id(qa_client, personas):
    qa_client.get(LIST, {"q": "S0000"})
    assert AccessLog.objects.get().detail == '1 case; status open, search for Child Unique ID "S0000"'


def test_a_search_by_other_text_is_logged_without_the_text(qa_client, personas):
    assert child_ids(qa_client.get(LIST, {"q": "Smith"})) == []
    entry = AccessLog.objects.get()
    assert "Smith" not in entry.detail
    assert entry.detail == "0 cases; status open, search for other text (not recorded)"


def test_with_too_many_workers_to_list_the_worker_filter_lists_the_chosen_teams(
    qa_client, register, monkeypatch
):
    monkeypatch.setattr("caseaudit.cases.forms.WORKER_LIST_LIMIT", 2)  # the register has three workers
    will = register.own_case.worker
    text = qa_client.get(LIST).text
    assert "Choose a team to list its workers" in text
    assert f">{will.name}</option>" not in text
    # A team chosen lists its workers; a worker chosen (a link to their cases) stays chosen and filters.
    text = qa_client.get(LIST, {"team": register.own_case.team_id}).text
    assert f'<option value="{will.pk}">{will.name}</option>' in text
    response = qa_client.get(LIST, {"worker": will.pk})
    assert f'<option value="{will.pk}" selected>' in response.text
    assert child_ids(response) == ["N000001", "N000002"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigrams are PostgreSQL's")
def test_on_postgresql_a_search_by_part_of_a_child_id_has_an_index_of_trigrams(qa_client):
    # At 100,000 cases the planner reads the matches from it rather than every open case (measured with the
    # load test); with a handful of cases it rightly reads them all, so here the index itself is checked.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_open_child_id_trigrams'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper((child_id)::text)" in definition
    assert "WHERE (closed_on IS NULL)" in definition
    for number in range(30):
        make_case(f"SRCH{number:04d}")
    assert child_ids(qa_client.get(LIST, {"q": "rch001"})) == [f"SRCH{n:04d}" for n in range(10, 20)]
