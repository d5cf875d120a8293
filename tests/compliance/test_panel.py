"""The "Timescales" list on the case page and beside the audit form: the same statuses the command gives."""

from __future__ import annotations

import csv
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.cycles.builders import allocate_to, make_cycle
from tests.factories import make_case

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today_is_as_of(monkeypatch):
    """The pages check against today: make today the fixture's date, for the command as well."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: AS_OF)


def shown(text: str) -> dict[str, tuple[str, str]]:
    """{check: (status, tag text)} from the page's Timescales list."""
    listed = text.partition('data-testid="timescales"')[2].partition("</dl>")[0]
    found = re.findall(
        r'data-check="([^"]+)" data-status="([^"]+)">.*?<strong class="govuk-tag [^"]+">([^<]+)</strong>',
        listed,
        re.S,
    )
    return {check: (status, tag) for check, status, tag in found}


def from_command(child_id: str) -> dict[str, str]:
    out = StringIO()
    call_command("compliance", "--format", "csv", stdout=out, stderr=StringIO())
    return {
        row["check"]: row["status"]
        for row in csv.DictReader(StringIO(out.getvalue()))
        if row["child_id"] == child_id
    }


def test_the_case_page_shows_each_check_with_the_commands_status(client, register):
    client.force_login(register.personas.team_manager)
    text = client.get(reverse("cases:detail", args=[register.care_leaver.pk])).text
    checks = shown(text)
    assert {check: status for check, (status, _) in checks.items()} == from_command("N000001")
    assert checks["pathway-plan-review"] == ("overdue", "63 days overdue")
    assert checks["personal-adviser-contact"] == ("compliant", "Compliant")
    assert checks["supervision"] == ("due-soon", "Due soon")
    assert checks["case-recording"] == ("data-missing", "Data missing")
    assert 'govuk-tag govuk-tag--red">63 days overdue' in text
    assert 'govuk-tag govuk-tag--yellow">Due soon' in text
    assert 'govuk-tag govuk-tag--green">Compliant' in text
    assert 'govuk-tag govuk-tag--grey">Data missing' in text
    assert "Due 1 September 2026" in text and "On 3 November 2026, from the dates in the register." in text


def test_an_event_done_late_is_compliant_and_says_how_late(client, register):
    # A strategy discussion on 1 October 2026: 15 working days is 22 October; the conference on the 26th.
    case = make_case(
        "L000001",
        "child-protection",
        strategy_discussion=date(2026, 10, 1),
        initial_conference=date(2026, 10, 26),
    )
    client.force_login(register.personas.qa_lead)
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    assert shown(text)["initial-conference"] == ("compliant", "Compliant")
    conference = text.partition('data-check="initial-conference"')[2].partition("</div>")[0]
    assert "Done 4 days late" in conference


def test_a_closed_case_has_no_timescales(client, register):
    client.force_login(register.personas.qa_lead)
    text = client.get(reverse("cases:detail", args=[register.closed.pk])).text
    assert 'data-testid="timescales"' not in text


def test_the_audit_form_shows_the_same_timescales_beside_it(client, register):
    cycle = make_cycle([register.child_in_need])
    allocate_to(cycle, register.personas.auditor)
    audit = cycle.audits.get()
    client.force_login(register.personas.auditor)
    text = client.get(reverse("audits:detail", args=[audit.pk])).text
    checks = shown(text.partition('class="app-case-panel"')[2])
    assert {check: status for check, (status, _) in checks.items()} == from_command("S000001")
    assert checks["supervision"] == ("overdue", "35 days overdue")
