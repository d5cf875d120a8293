"""The compliance page and its drill-down: filters, counts, who sees which cases, paging, queries."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog
from caseaudit.cases.models import Case
from tests.cycles.builders import allocate_to, make_cycle
from tests.factories import make_case

from .conftest import AS_OF

pytestmark = pytest.mark.django_db
AS_OF_QUERY = {"as_of_0": AS_OF.day, "as_of_1": AS_OF.month, "as_of_2": AS_OF.year}


def counts(client, **params) -> dict[tuple[str, str], list[str]]:
    """The counts table as {(check, cohort): [cases, compliant, overdue, due soon, data missing, n/a]}
    (done late: `done_late`)."""
    response = client.get(reverse("compliance:summary"), {**AS_OF_QUERY, **params})
    assert response.status_code == 200
    table = response.text.partition('id="compliance-counts"')[2].partition("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]:
        cells = [
            re.sub(r"<span class=\"govuk-visually-hidden\">.*?</span>", "", c)
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        text = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
        rows[(text[0], text[2])] = text[3:-1]  # text[1] is the check's kind; the last, done late
    return rows


def kinds(client) -> dict[str, str]:
    """The kind the counts table gives each check: "Statutory" or "Local"."""
    table = client.get(reverse("compliance:summary"), AS_OF_QUERY).text.partition('id="compliance-counts"')[2]
    found = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td[^>]*>([^<]*)</td>', table
    )
    return dict(found)


def drill_down(client, check: str, status: str, **params):
    return client.get(reverse("compliance:cases", args=[check, status]), {**AS_OF_QUERY, **params})


def child_ids(response) -> list[str]:
    return re.findall(r'class="govuk-link app-child-id" href="/cases/\d+/">([^<]+)</a>', response.text)


def test_the_qa_lead_sees_counts_per_check_and_cohort(client, register):
    client.force_login(register.personas.qa_lead)
    table = counts(client)
    assert table[("Pathway plan review", "Care leaver")] == ["1", "0", "1", "0", "0", "0"]
    assert table[("Supervision", "Care leaver")] == ["1", "0", "0", "1", "0", "0"]
    assert table[("Supervision", "Child in need")] == ["1", "0", "1", "0", "0", "0"]
    assert table[("Supervision", "Looked after child")] == ["1", "0", "0", "0", "1", "0"]
    assert ("Supervision", "Early help") not in table  # no open early help case


def test_the_page_says_the_date_and_the_rules_used(client, register):
    client.force_login(register.personas.qa_lead)
    text = client.get(reverse("compliance:summary"), AS_OF_QUERY).text
    assert "3 open cases by check and cohort, on 3 November 2026" in text
    assert "Statutory and recommended timescales (England), version 1" in text


def test_each_check_says_whether_it_is_statutory_or_local_and_where_it_comes_from(client, register):
    client.force_login(register.personas.qa_lead)
    found = kinds(client)
    assert found["Pathway plan review"] == "Statutory"
    assert found["Supervision"] == "Local"
    text = unescape(client.get(reverse("compliance:summary"), AS_OF_QUERY).text)
    rules = text.partition('id="the-rules"')[2].partition("</details>")[0]
    assert "Source: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28" in rules
    # The rules shipped off are named, so nobody takes their absence for compliance.
    not_checked = rules.partition("Not checked")[2]
    assert "Early help assessment</strong> (local, early help)" in not_checked
    assert "Child in need visit" in not_checked and "Looked after review" not in not_checked


def test_filters_narrow_the_counts_to_a_cohort_and_a_check(client, register):
    client.force_login(register.personas.qa_lead)
    assert list(counts(client, cohort="care-leaver", check="supervision")) == [("Supervision", "Care leaver")]
    assert set(counts(client, cohort="child-in-need")) == {
        ("Child and family assessment", "Child in need"),
        ("Case recording", "Child in need"),
        ("Supervision", "Child in need"),
    }


def test_the_as_of_date_changes_the_statuses(client, register):
    client.force_login(register.personas.qa_lead)
    # On 1 August 2026 the pathway plan (due 1 September) was due later than 14 days: compliant.
    earlier = counts(client, as_of_0=1, as_of_1=8, as_of_2=2026)
    assert earlier[("Pathway plan review", "Care leaver")] == ["1", "1", "0", "0", "0", "0"]


def test_without_a_date_the_page_checks_against_today(client, register):
    client.force_login(register.personas.qa_lead)
    text = client.get(reverse("compliance:summary")).text
    assert 'id="id_as_of_0" name="as_of_0" type="text" inputmode="numeric" value=""' in text
    assert "Clear filters" not in text
    today = timezone.localdate()
    assert f"by check and cohort, on {today.day} {today:%B %Y}" in text


def test_invalid_filters_are_shown_as_errors_and_ignored(client, register):
    client.force_login(register.personas.qa_lead)
    response = client.get(
        reverse("compliance:summary"), {"as_of_0": "31", "as_of_1": "2", "as_of_2": "2026", "cohort": "nope"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text and response.text.startswith("<!DOCTYPE html>")
    assert "Check against must be a real date" in response.text
    assert "Select a cohort from the list" in response.text
    assert "<title>Error: " in response.text


def test_counts_link_to_the_drill_down_with_the_filters_kept(client, register):
    client.force_login(register.personas.qa_lead)
    text = client.get(reverse("compliance:summary"), AS_OF_QUERY).text
    expected = reverse("compliance:cases", args=["pathway-plan-review", "overdue"])
    assert f'href="{expected}?as_of_0=3&amp;as_of_1=11&amp;as_of_2=2026&amp;cohort=care-leaver"' in text
    # A zero is not a link.
    assert reverse("compliance:cases", args=["pathway-plan-review", "due-soon"]) not in text


@pytest.mark.parametrize(
    ("persona", "rows"),
    [
        ("team_manager", {("Supervision", "Care leaver"), ("Supervision", "Looked after child")}),
        ("worker", {("Supervision", "Care leaver"), ("Supervision", "Looked after child")}),
        ("outsider", {("Supervision", "Child in need")}),
        (
            "senior_leader",
            {("Supervision", s) for s in ("Care leaver", "Looked after child", "Child in need")},
        ),
    ],
)
def test_each_role_counts_the_cases_of_its_scope(client, register, persona, rows):
    client.force_login(getattr(register.personas, persona))
    table = counts(client, check="supervision")
    assert set(table) == rows


def test_a_managers_kept_counts_follow_their_team_and_the_register(client, register):
    manager = register.personas.team_manager
    client.force_login(manager)
    assert set(counts(client, check="supervision")) == {
        ("Supervision", "Care leaver"),
        ("Supervision", "Looked after child"),
    }
    # Kept for the next visit; a case added to the team shows at once.
    own = register.care_leaver
    make_case("N000010", "child-in-need", own.team, own.worker, last_supervision=AS_OF)
    assert ("Supervision", "Child in need") in counts(client, check="supervision")
    # A manager who moves team counts their new team's cases, not the old team's kept counts.
    staff = manager.staff
    staff.team = register.child_in_need.team
    staff.save()
    Case.objects.filter(manager=staff).update(manager=None)
    assert set(counts(client, check="supervision")) == {("Supervision", "Child in need")}


def test_an_auditor_counts_only_their_allocated_cases(client, register):
    cycle = make_cycle([register.care_leaver])
    allocate_to(cycle, register.personas.auditor)
    client.force_login(register.personas.auditor)
    assert set(counts(client, check="supervision")) == {("Supervision", "Care leaver")}
    assert child_ids(drill_down(client, "supervision", "due-soon")) == ["N000001"]
    assert child_ids(drill_down(client, "supervision", "overdue")) == []


def test_an_auditors_kept_counts_follow_their_allocations(client, register):
    cycle = make_cycle([register.care_leaver, register.child_in_need])
    allocate_to(cycle, register.personas.auditor, [register.care_leaver])
    client.force_login(register.personas.auditor)
    assert set(counts(client, check="supervision")) == {("Supervision", "Care leaver")}
    # Kept for the next visit; another audit allocated to them shows at once.
    allocate_to(cycle, register.personas.auditor, [register.child_in_need])
    assert set(counts(client, check="supervision")) == {
        ("Supervision", "Care leaver"),
        ("Supervision", "Child in need"),
    }


def test_a_senior_leader_sees_counts_without_links_and_no_drill_down(client, register):
    client.force_login(register.personas.senior_leader)
    text = client.get(reverse("compliance:summary"), AS_OF_QUERY).text
    assert "/compliance/supervision/" not in text
    assert "N000001" not in text and "S000001" not in text
    assert drill_down(client, "supervision", "overdue").status_code == 403


def test_the_drill_down_lists_the_cases_with_links_and_days_overdue(client, register):
    client.force_login(register.personas.qa_lead)
    response = drill_down(client, "supervision", "overdue")
    assert response.status_code == 200
    assert child_ids(response) == ["S000001"]
    assert f'href="{reverse("cases:detail", args=[register.child_in_need.pk])}"' in response.text
    assert "35 days overdue" in response.text and "29 Sep 2026" in response.text
    assert '<h1 class="govuk-heading-l">Overdue</h1>' in response.text
    entry = AccessLog.objects.get(object_type="compliance")
    assert (entry.user, entry.action) == (register.personas.qa_lead, "view")
    assert "S000001" not in entry.detail


def test_the_drill_down_keeps_to_the_cohort_and_the_persons_scope(client, register):
    client.force_login(register.personas.qa_lead)
    assert child_ids(drill_down(client, "case-recording", "data-missing")) == [
        "N000001",
        "N000002",
        "S000001",
    ]
    assert child_ids(drill_down(client, "case-recording", "data-missing", cohort="care-leaver")) == [
        "N000001"
    ]
    client.force_login(register.personas.team_manager)
    assert child_ids(drill_down(client, "case-recording", "data-missing")) == ["N000001", "N000002"]
    client.force_login(register.personas.outsider)
    assert child_ids(drill_down(client, "case-recording", "data-missing")) == ["S000001"]


def test_an_unknown_check_or_status_is_not_found(client, register):
    client.force_login(register.personas.qa_lead)
    assert drill_down(client, "no-such-check", "overdue").status_code == 404
    assert drill_down(client, "supervision", "late").status_code == 404


def test_the_drill_down_is_paginated_most_overdue_first(client, register):
    north = register.care_leaver.team
    for number in range(55):
        make_case(f"P{number:06d}", "early-help", north, last_supervision=date(2026, 9, 1 + number % 28))
    client.force_login(register.personas.qa_lead)
    first = drill_down(client, "supervision", "overdue")
    ids = child_ids(first)
    assert len(ids) == 50 and "56 cases" in first.text
    assert 'aria-label="Pages of cases"' in first.text
    assert ids[:2] == ["P000000", "P000028"]  # 1 September: the longest overdue
    second = drill_down(client, "supervision", "overdue", page=2)
    assert len(child_ids(second)) == 6
    assert set(ids).isdisjoint(child_ids(second))


def test_the_pages_take_the_same_number_of_queries_whatever_the_number_of_cases(client, register):
    client.force_login(register.personas.team_manager)
    client.get(reverse("compliance:summary"))  # warm up: sessions, rules file

    def queries(url: str) -> int:
        # After a change to the register, its first request checks the register again and keeps the
        # results; every request after that reads them.
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    summary_url = reverse("compliance:summary")
    drill_url = reverse("compliance:cases", args=["supervision", "data-missing"])
    before = (queries(summary_url), queries(drill_url))
    north = register.care_leaver.team
    Case.objects.bulk_create(
        [Case(child_id=f"Q{n:06d}", cohort="looked-after", team=north) for n in range(120)]
    )
    assert (queries(summary_url), queries(drill_url)) == before


@pytest.mark.parametrize(
    ("persona", "scope"),
    [
        ("qa_lead", "every open case in the register"),
        ("moderator", "every open case in the register"),
        ("team_manager", "the open cases of your team"),
        ("worker", "your open cases"),
        ("auditor", "the open cases of the audits allocated to you"),
        ("senior_leader", "every open case in the register (counts only)"),
    ],
)
def test_the_page_says_which_cases_its_counts_cover(client, register, persona, scope):
    client.force_login(getattr(register.personas, persona))
    assert f"For {scope}: whether each plan" in client.get(reverse("compliance:summary")).text


def table_rows(response) -> list[list[str]]:
    body = response.text.partition('<tbody class="govuk-table__body">')[2].partition("</tbody>")[0]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)
    ]


def test_the_drill_down_shows_each_cases_team_and_worker(client, register):
    own = register.care_leaver
    Case.objects.filter(pk=register.looked_after.pk).update(worker=None)
    client.force_login(register.personas.qa_lead)
    response = drill_down(client, "case-recording", "data-missing")
    assert '<th scope="col" class="govuk-table__header">Team</th>' in response.text
    assert [row[:4] for row in table_rows(response)] == [
        ["N000001", "Care leaver", own.team.name, own.worker.name],
        ["N000002", "Looked after child", own.team.name, "Not allocated"],
        ["S000001", "Child in need", register.child_in_need.team.name, register.child_in_need.worker.name],
    ]


def download(client, check: str, status: str, **params):
    return client.get(reverse("compliance:cases-csv", args=[check, status]), {**AS_OF_QUERY, **params})


def test_the_drill_down_downloads_as_csv_with_the_same_rows(client, register):
    own, other = register.care_leaver, register.child_in_need
    client.force_login(register.personas.qa_lead)
    page = drill_down(client, "supervision", "overdue", cohort="child-in-need")
    csv_href = reverse("compliance:cases-csv", args=["supervision", "overdue"])
    assert f'href="{csv_href}?' in page.text and "Download as CSV" in page.text
    response = download(client, "supervision", "overdue", cohort="child-in-need")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="compliance-supervision-overdue-child-in-need-2026-11-03.csv"'
    assert response.text.splitlines() == [
        "child_id,cohort,team,worker,check,due_date,status,days_overdue,days_late",
        f"S000001,child-in-need,{other.team.name},{other.worker.name},supervision,2026-09-29,overdue,35,",
    ]
    every = download(client, "case-recording", "data-missing").text.splitlines()
    assert [line.split(",")[0] for line in every[1:]] == ["N000001", "N000002", "S000001"]
    assert every[1] == f"N000001,care-leaver,{own.team.name},{own.worker.name},case-recording,,data-missing,,"


def test_the_csv_keeps_to_the_persons_scope_and_is_recorded(client, register):
    client.force_login(register.personas.team_manager)
    lines = download(client, "case-recording", "data-missing").text.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["N000001", "N000002"]
    entry = AccessLog.objects.get(object_type="compliance", action="export")
    assert entry.user == register.personas.team_manager
    assert entry.detail == "csv, 2 cases; check case-recording, status data-missing, as of 2026-11-03"
    client.force_login(register.personas.senior_leader)
    assert download(client, "case-recording", "data-missing").status_code == 403
    client.force_login(register.personas.qa_lead)
    assert download(client, "no-such-check", "overdue").status_code == 404
