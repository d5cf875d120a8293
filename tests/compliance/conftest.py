from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from caseaudit.cases.models import Case
from tests.conftest import Personas
from tests.factories import make_case

# A Tuesday. With the dates below, as of this day:
# - N000001 (care leaver, the north team's): pathway plan review 63 days overdue (due 1 September 2026),
#   personal adviser contact compliant (due 20 December), supervision due soon (7 November), case
#   recording data missing;
# - N000002 (looked after, north): no dates at all, so every check is data missing;
# - S000001 (child in need, the south team's): supervision 35 days overdue (due 29 September 2026);
# - N000003 (care leaver, north) is closed: never checked.
AS_OF = date(2026, 11, 3)


@dataclass
class Register:
    personas: Personas
    care_leaver: Case
    looked_after: Case
    child_in_need: Case
    closed: Case


@pytest.fixture
def register(personas: Personas) -> Register:
    own = personas.own_case
    Case.objects.filter(pk=own.pk).update(
        latest_pathway_plan=date(2026, 3, 1),
        latest_contact=date(2026, 10, 20),
        last_supervision=date(2026, 10, 10),
    )
    other = personas.other_case
    Case.objects.filter(pk=other.pk).update(
        assessment_start=date(2026, 10, 1), last_supervision=date(2026, 9, 1)
    )
    looked_after = make_case("N000002", "looked-after", own.team, own.worker, own.manager)
    closed = make_case(
        "N000003",
        "care-leaver",
        own.team,
        own.worker,
        own.manager,
        closed_on=date(2026, 6, 1),
        latest_pathway_plan=date(2025, 1, 1),
    )
    own.refresh_from_db()
    other.refresh_from_db()
    return Register(personas, own, looked_after, other, closed)
