"""My audits (audits:mine): an auditor's allocated audits in confirmed cycles, and nothing else."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, Role
from caseaudit.audits.models import AuditStatus

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_case, make_team, make_user

MINE = reverse("audits:mine")


def listed(response) -> list[str]:
    return re.findall(r'<a class="govuk-link app-child-id" href="/cases/\d+/">([^<]+)</a>', response.text)


@pytest.fixture
def qa_client_for(personas):
    """A second browser, signed in as the QA lead, beside the auditor's."""
    other = Client()
    other.force_login(personas.qa_lead)
    return other


@pytest.fixture
def auditor_client(client, personas):
    client.force_login(personas.auditor)
    return client


def test_nothing_allocated_yet(auditor_client, personas):
    make_cycle([personas.own_case])  # confirmed, but not allocated
    response = auditor_client.get(MINE)
    assert response.status_code == 200
    assert "No audits are allocated to you yet" in response.text


def test_only_my_allocations_in_confirmed_cycles(auditor_client, personas):
    east = make_team("East Early Help")
    mine = [make_case("E000001", "early-help", east), make_case("E000002", "early-help", east)]
    someone_else = make_case("E000003", "early-help", east)
    cycle = make_cycle([*mine, someone_else], year=2099)
    allocate_to(cycle, personas.auditor, mine)
    allocate_to(cycle, make_user(Role.AUDITOR, "other-auditor"), [someone_else])
    # A draft never shows, even if it somehow had an auditor.
    draft = make_cycle([personas.own_case], name="Spring 2100", season="spring", year=2100, draft=True)
    allocate_to(draft, personas.auditor)

    response = auditor_client.get(MINE)
    assert listed(response) == ["E000001", "E000002"]
    text = response.text
    assert "Autumn 2099" in text and "30 Nov 2099" in text and "East Early Help" in text
    summary = "2 not started, 0 in progress, 0 returned for more work, 0 submitted and 0 moderated."
    assert f"You have 2 audits: {summary}" in text
    assert "Overdue" not in text
    # The auditor may open the cases of their audits, and only those.
    assert auditor_client.get(reverse("cases:detail", args=[mine[0].pk])).status_code == 200
    assert auditor_client.get(reverse("cases:detail", args=[someone_else.pk])).status_code == 404


def test_overdue_audits_are_tagged(auditor_client, personas):
    cases = [make_case(f"L{n}", "looked-after") for n in range(3)]
    cycle = make_cycle(cases, year=2020)
    allocate_to(cycle, personas.auditor)
    cycle.audits.filter(case=cases[0]).update(status=AuditStatus.SUBMITTED)
    text = auditor_client.get(MINE).text
    assert text.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2
    assert "2 audits are overdue" in text


def test_your_work_links_an_auditor_to_their_audits(auditor_client):
    response = auditor_client.get(reverse("home"))
    assert response.status_code == 200 and f'href="{MINE}"' in response.text


@pytest.mark.parametrize("role", [Role.QA_LEAD, Role.MODERATOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER])
def test_only_auditors_have_audits_of_their_own(client, db, role):
    client.force_login(make_user(role))
    assert client.get(MINE).status_code == 403


def test_my_audits_makes_a_constant_number_of_queries(auditor_client, personas):
    def allocate(count: int, name: str, year: int) -> None:
        cases = [make_case(f"{name}{n:04d}", "child-in-need", make_team()) for n in range(count)]
        allocate_to(make_cycle(cases, name=name, year=year), personas.auditor)

    allocate(5, "A", 2098)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(auditor_client.get(MINE))) == 5
    allocate(55, "B", 2099)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(auditor_client.get(MINE))) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_audit_whose_case_closed_is_marked_case_closed(auditor_client, personas, qa_client_for):
    east = make_team("East Early Help")
    staying, closing = make_case("E000001", "early-help", east), make_case("E000002", "early-help", east)
    cycle = make_cycle([staying, closing], year=2099)
    allocate_to(cycle, personas.auditor)
    closing.closed_on = date(2099, 10, 2)  # a register import no longer listed it
    closing.save()
    text = auditor_client.get(MINE).text
    assert text.count("Case closed") == 1
    row = text[text.index("E000002") :]
    assert row.index("Case closed") < row.index("</tr>")
    page = qa_client_for.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert page.count("Case closed") == 1
    # Once submitted, the audit was done: the case closing afterwards changes nothing.
    cycle.audits.filter(case=closing).update(status=AuditStatus.SUBMITTED)
    assert "Case closed" not in auditor_client.get(MINE).text


def test_each_view_is_logged_with_how_many_audits_it_listed(auditor_client, personas):
    east = make_team("East Early Help")
    cycle = make_cycle([make_case("E000001", "early-help", east), make_case("E000002", "early-help", east)])
    allocate_to(cycle, personas.auditor)
    auditor_client.get(MINE)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_type) == (personas.auditor, "view", "my-audits")
    assert entry.detail == "2 audits; 0 follow-up audits"
    assert "E000001" not in entry.detail
