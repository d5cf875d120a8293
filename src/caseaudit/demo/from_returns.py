"""The demo's register rebuilt from statutory returns alone (`caseaudit demo-data --from-returns FOLDER`):
the children, their cohorts, dates and history from an SSDA903 return and a Children in Need census,
imported as an authority imports them; the demo's people around them.

The returns say nothing of who works with a child: an authority brings that from its case management
system (caseaudit's CSV with team, worker and manager, imported with --partial). The demo allocates each
child as its own register does, to a team of their cohort and one of its workers (`authority.allocate`)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction

from caseaudit import policy
from caseaudit.accounts.changes import record_change
from caseaudit.cases.actions import import_return
from caseaudit.cases.importing.cin_census import read_cin_census
from caseaudit.cases.importing.ssda903 import read_ssda903
from caseaudit.cases.models import Case

from .authority import (
    DemoDataRefused,
    DemoSummary,
    allocate,
    ensure_staff,
    ensure_teams,
    ensure_users,
    plan_roster,
)

SSDA903_FOLDER = "ssda903"
CENSUS_FILE = "cin.xml"


def build_demo_from_returns(folder: Path, *, seed: int, today: date) -> DemoSummary:
    """Import `folder`/ssda903/ (the SSDA903 return's CSV tables) and `folder`/cin.xml (the census), as
    `demo-returns` writes them, into an empty register, then the demo's teams, staff and accounts, with
    each case allocated. One transaction: a return that fails its checks leaves the database as it was
    (ImportRefused or RowsRefused, naming every bad cell)."""
    if Case.objects.exists():
        raise DemoDataRefused("the database already has cases; demo data goes into an empty register")
    ssda903, census = folder / SSDA903_FOLDER, folder / CENSUS_FILE
    if not ssda903.is_dir() and not census.is_file():
        raise DemoDataRefused(
            f"{folder} holds neither an SSDA903 return ({SSDA903_FOLDER}/) nor a census ({CENSUS_FILE}): "
            "write them with `caseaudit demo-returns FOLDER`"
        )
    with transaction.atomic():
        if ssda903.is_dir():
            read = read_ssda903([ssda903])
            import_return(read, acting_user=policy.SYSTEM, file_name=f"SSDA903 return ({ssda903.name})")
        if census.is_file():
            read = read_cin_census(census)
            import_return(
                read, acting_user=policy.SYSTEM, file_name=f"Children in Need census ({census.name})"
            )
        roster = plan_roster(Case.objects.count(), random.Random(seed))
        teams = ensure_teams(roster)
        staff = ensure_staff(roster, teams)
        rnd = random.Random(f"{seed}:allocation").random
        caseloads: Counter[str] = Counter()
        cases = list(Case.objects.order_by("child_id"))
        for case in cases:
            team, worker, manager = allocate(roster, case.cohort, rnd)
            case.team, case.manager = teams[team], staff[manager]
            case.worker = staff[worker] if worker else None
            if worker and case.closed_on is None:
                caseloads[worker] += 1
        Case.objects.bulk_update(cases, ["team", "worker", "manager"], batch_size=1000)
        users = ensure_users(roster, staff, caseloads)
        record_change(
            policy.SYSTEM,
            "demo.built",
            ("demo-data", None),
            new={"cases": len(cases), "seed": seed, "as_of": today, "from": "returns"},
        )
    return DemoSummary.of(
        seed=seed,
        today=today,
        cases=len(cases),
        open_by_cohort=Counter(c.cohort for c in cases if c.closed_on is None),
        roster=roster,
        staff=len(staff),
        users=users,
    )
