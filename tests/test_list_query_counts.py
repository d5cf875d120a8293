"""Every list page takes the same number of queries however many rows it lists: with 3 rows, and with 60 (more
than a page of 50), on its first page and its second. A page whose queries grow with its rows (a query per
row, a lookup per case) is slow at 100,000 cases long before anyone sees it in a test of three.

Each page is a `ListPage`: who opens it, its address, and how to give it more rows. A new list page gets a
line in LIST_PAGES.

The first request after the data changed is not counted: some pages check the register again then, and keep
the result for the requests after it (caseaudit.kept, caseaudit.compliance.queries)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionKind
from caseaudit.notifications.models import Kind, Notification

from .conftest import Personas
from .cycles.builders import allocate_to, make_cycle
from .factories import make_case, make_staff, make_user

FEW, MANY = 3, 60  # MANY is more than a page of 50: the second page is counted too
_serial = itertools.count(1)


@dataclass(frozen=True)
class ListPage:
    name: str
    persona: str  # the Personas attribute of who opens it
    url: Callable[[Personas], str]
    grow: Callable[[Personas, int], None]  # give the page at least this many rows
    paged: bool = True  # lists 50 a page (otherwise everything: the count must still not grow)


def _north(personas: Personas, n: int) -> None:
    """Open cases in the north team (the team manager's and the worker's), each with a worker of its own, so
    that sorting by worker has as many groups as cases."""
    team = personas.own_case.team
    have = Case.objects.filter(team=team).count()
    for _ in range(max(0, n - have)):
        number = next(_serial)
        make_case(
            f"Q{number:06d}",
            ("care-leaver", "looked-after", "child-in-need")[number % 3],
            team,
            make_staff(None, team),
            personas.own_case.manager,
            opened_on=date(2020, 1, 1 + number % 28),
            last_supervision=date(2026, 1, 1),
        )


def _sample(personas: Personas, n: int) -> None:
    """A cycle of `n` cases allocated to the auditor, some submitted, some moderated."""
    _north(personas, n)
    Cycle.objects.all().delete()
    cases = list(Case.objects.filter(team=personas.own_case.team).order_by("pk")[:n])
    cycle = make_cycle(cases, name="Counted", year=2098)
    allocate_to(cycle, personas.auditor)
    audits = list(cycle.audits.order_by("pk"))
    Audit.objects.filter(pk__in=[a.pk for a in audits[::3]]).update(
        status=AuditStatus.SUBMITTED, submitted_at=timezone.now(), auditor_grade="good"
    )
    moderated = audits[1::3]
    Audit.objects.filter(pk__in=[a.pk for a in moderated]).update(
        status=AuditStatus.MODERATED, auditor_grade="good", moderated_grade="good"
    )
    ModerationEvent.objects.bulk_create(
        ModerationEvent(audit=audit, kind=ModerationEvent.Kind.AGREED, to_grade="good") for audit in moderated
    )


def _cycles(personas: Personas, n: int) -> None:
    case = personas.own_case
    for year in range(Cycle.objects.count(), n):
        make_cycle([case], name=f"Cycle {year}", year=2000 + year)


def _actions(personas: Personas, n: int) -> None:
    _north(personas, n)
    for case in Case.objects.filter(team=personas.own_case.team, actions__isnull=True)[
        : max(0, n - Action.objects.count())
    ]:
        Action.objects.create(
            kind=ActionKind.ACTION,
            case=case,
            team=case.team,
            description="Update the plan.",
            owner=personas.worker,
            due_on=date(2026, 12, 1),
        )


def _notifications(personas: Personas, n: int) -> None:
    have = Notification.objects.filter(recipient=personas.auditor).count()
    Notification.objects.bulk_create(
        Notification(recipient=personas.auditor, kind=Kind.AUDIT_ALLOCATED, text=f"Audit {i} allocated.")
        for i in range(max(0, n - have))
    )


def _access_log(personas: Personas, n: int) -> None:
    for number in range(n):
        record_access(personas.auditor, "view", "audit", number)


def _people(personas: Personas, n: int) -> None:
    for _ in range(n):
        make_user(Role.SOCIAL_WORKER)


def _register(query: str = "") -> Callable[[Personas], str]:
    return lambda personas: reverse("cases:list") + query


LIST_PAGES = [
    ListPage("the register", "qa_lead", _register(), _north),
    ListPage("the register by cohort", "qa_lead", _register("?sort=cohort"), _north),
    ListPage("the register by team, descending", "qa_lead", _register("?sort=-team"), _north),
    ListPage("the register by worker", "qa_lead", _register("?sort=worker"), _north),
    ListPage("the register by opening date, descending", "qa_lead", _register("?sort=-opened_on"), _north),
    ListPage("the register searched", "qa_lead", _register("?q=Q0"), _north),
    ListPage("a team's register", "team_manager", _register(), _north),
    ListPage(
        "a team's register by worker", "team_manager", _register("?sort=worker&cohort=care-leaver"), _north
    ),
    ListPage("compliance", "qa_lead", lambda p: reverse("compliance:summary"), _north, paged=False),
    ListPage(
        "a team's compliance", "team_manager", lambda p: reverse("compliance:summary"), _north, paged=False
    ),
    ListPage(
        "the cases behind a count",
        "qa_lead",
        lambda p: reverse("compliance:cases", args=["supervision", "overdue"]),
        _north,
    ),
    ListPage(
        "the cycle page",
        "qa_lead",
        lambda p: reverse("cycles:detail", args=[Cycle.objects.get(name="Counted").pk]),
        _sample,
    ),
    ListPage("the cycles", "qa_lead", lambda p: reverse("cycles:list"), _cycles, paged=False),
    ListPage("My audits", "auditor", lambda p: reverse("audits:mine"), _sample),
    ListPage("the moderation queue", "moderator", lambda p: reverse("audits:moderation-queue"), _sample),
    ListPage("the tracker", "qa_lead", lambda p: reverse("actions:meeting"), _actions, paged=False),
    ListPage("notifications", "auditor", lambda p: reverse("notifications:list"), _notifications),
    ListPage("the access log", "qa_lead", lambda p: reverse("logs:access"), _access_log),
    ListPage("staff accounts", "administrator", lambda p: reverse("people:list"), _people, paged=False),
]


def _queries(client, url: str) -> int:
    client.get(url)  # the first request after a change may check the register again (module docstring)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", LIST_PAGES, ids=[page.name for page in LIST_PAGES])
def test_a_list_page_takes_the_same_queries_with_few_rows_and_many(client, personas, page):
    client.force_login(getattr(personas, page.persona))
    page.grow(personas, FEW)
    few = _queries(client, page.url(personas))
    page.grow(personas, MANY)
    url = page.url(personas)
    counted = {"few rows": few, "many rows": _queries(client, url)}
    if page.paged:
        counted["the second page"] = _queries(client, url + ("&" if "?" in url else "?") + "page=2")
    assert set(counted.values()) == {few}, counted
