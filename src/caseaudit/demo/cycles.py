"""The demo's audit cycle: the season under way on the demo's date, planned and allocated, so that the
auditors' "My audits" and the cycle pages have something to show."""

from __future__ import annotations

from datetime import date, timedelta

from caseaudit.cycles.actions import allocate_cycle, plan_cycle
from caseaudit.cycles.models import Cycle
from caseaudit.cycles.planning import Scope, propose_cycle
from caseaudit.policy import SYSTEM


def current_season(today: date) -> tuple[str, int]:
    """The latest season to have started by `today`: autumn from October, spring from April."""
    if today.month >= 10:
        return "autumn", today.year
    if today.month >= 4:
        return "spring", today.year
    return "autumn", today.year - 1


# The demo's cycle is always under way on the demo's date: started some weeks ago, due in a few weeks, so
# that its audits are on time or still to do. The season's own window (1 October to 30 November) would
# have ended by a December or January demo, with every submitted audit late and nothing on time.
WEEKS_UNDER_WAY = 6
WEEKS_TO_GO = 3


def demo_window(today: date) -> tuple[date, date]:
    return today - timedelta(weeks=WEEKS_UNDER_WAY), today + timedelta(weeks=WEEKS_TO_GO)


def plan_demo_cycle(today: date, *, seed: int, fraction: float | None = None) -> Cycle:
    """Plan and allocate the season's cycle: half the open cases (the planner's default) unless `fraction`
    says otherwise."""
    season, year = current_season(today)
    starts_on, ends_on = demo_window(today)
    proposal = propose_cycle(
        season=season,
        year=year,
        focus="care-leaver",
        fraction=fraction,
        seed=seed,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    cycle = plan_cycle(
        proposal,
        acting_user=SYSTEM,
        confirm=True,
        focus_reason="Last year's audits found care leavers' pathway plans out of date, and leaving care "
        "services are to be inspected in the spring.",
    )
    allocate_cycle(cycle, acting_user=SYSTEM)
    return cycle


def plan_demo_thematic_cycle(today: date, *, seed: int) -> Cycle:
    """A thematic audit of pathway plans across a sample of the care leavers, as the last committee paper
    recommended, under way beside the season's case file audit: another kind of audit to show."""
    starts_on, ends_on = demo_window(today)
    proposal = propose_cycle(
        season="custom",
        year=starts_on.year,
        size=8,
        seed=seed,
        starts_on=starts_on,
        ends_on=ends_on,
        audit_type="thematic",
        scope=Scope(theme="Pathway plans", cohort="care-leaver"),
    )
    cycle = plan_cycle(proposal, acting_user=SYSTEM, size=8, confirm=True)
    allocate_cycle(cycle, acting_user=SYSTEM)
    return cycle
