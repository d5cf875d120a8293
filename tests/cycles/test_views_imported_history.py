"""A past cycle loaded from records is imported history on the cycle pages, not audits waiting for an
auditor."""

from datetime import date

import pytest
from django.urls import reverse

from caseaudit import policy
from caseaudit.audits.models import Audit, AuditStatus
from caseaudit.cycles.actions import record_past_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_cycle(personas):
    cycle = record_past_cycle(
        name="Autumn 2019",
        season="autumn",
        year=2019,
        fraction=1.0,
        size=None,
        acting_user=policy.SYSTEM,
    )
    for case in (personas.own_case, personas.other_case):
        Audit.objects.create(
            case=case,
            cycle=cycle,
            cohort=case.cohort,  # as the history import keeps it
            status=AuditStatus.MODERATED,
            completed_on=date(2019, 11, 1),
            auditor_grade="good",
            moderated_grade="good",
        )
    return cycle


def test_the_cycles_list_calls_an_imported_cycle_history_not_unallocated(client, personas, past_cycle):
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cycles:list")).text
    row = page[page.index("Autumn 2019") :]
    row = row[: row.index("</tr>")]
    assert "Imported history" in row


def test_the_cycle_page_says_the_auditor_was_not_recorded(client, personas, past_cycle):
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cycles:detail", args=[past_cycle.pk])).text
    assert "Not allocated" not in page
    assert "Auditor not recorded" in page
