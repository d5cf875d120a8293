"""`caseaudit record-cycle`: a past cycle and its sampling basis, for historical audits to belong to."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.cycles.actions import record_past_cycle
from caseaudit.cycles.models import Cycle, CycleStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_past_cycle_is_recorded_closed_with_its_basis():
    out = StringIO()
    call_command(
        "record_cycle", "Autumn 2019", "--season", "autumn", "--year", "2019", "--all-open-cases", stdout=out
    )
    cycle = Cycle.objects.get(name="Autumn 2019")
    assert (cycle.status, cycle.fraction, cycle.size) == (CycleStatus.CLOSED, 1.0, None)
    assert (cycle.starts_on, cycle.ends_on) == (date(2019, 10, 1), date(2019, 11, 30))
    assert not cycle.audits.exists()
    assert out.getvalue().strip() == "Recorded Autumn 2019 (1 October to 30 November 2019): every open case."
    event = ChangeEvent.objects.get()
    assert (event.event, event.actor_name, event.subject_type, event.subject_id) == (
        "cycle.recorded",
        "system",
        "cycle",
        str(cycle.pk),
    )
    assert (event.new["name"], event.new["status"], event.new["fraction"]) == ("Autumn 2019", "closed", 1.0)


def test_a_half_sample_with_a_focus_cohort():
    call_command(
        "record_cycle",
        "Spring 2021",
        "--season",
        "spring",
        "--year",
        "2021",
        "--fraction",
        "0.5",
        "--focus",
        "CL",
    )
    cycle = Cycle.objects.get(name="Spring 2021")
    assert (cycle.fraction, cycle.focus_cohort) == (0.5, "care-leaver")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--fraction", "1.5"], "at most 1"),
        (["--all-open-cases", "--focus", "orphans"], "'orphans' is not a cohort"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("record_cycle", "Autumn 2019", "--season", "autumn", "--year", "2019", *arguments)
    assert not Cycle.objects.exists()


def test_a_name_already_taken_is_refused():
    call_command("record_cycle", "Autumn 2019", "--season", "autumn", "--year", "2019", "--size", "40")
    with pytest.raises(CommandError, match="already a cycle called"):
        call_command("record_cycle", "autumn 2019", "--season", "autumn", "--year", "2019", "--size", "40")
    assert list(Cycle.objects.values_list("name", flat=True)) == ["Autumn 2019"]


def test_only_planners_may_record_a_past_cycle():
    with pytest.raises(PermissionDenied):
        record_past_cycle(
            name="Autumn 2019",
            season="autumn",
            year=2019,
            fraction=1.0,
            size=None,
            acting_user=make_user(Role.TEAM_MANAGER),
        )
    assert not Cycle.objects.exists() and not ChangeEvent.objects.exists()
