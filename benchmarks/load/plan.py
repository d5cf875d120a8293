"""What the load test's simulated people open, read from the demo database before the run, in a process
of its own (Django set up on the DATABASE_URL it is given):

    python -m benchmarks.load.plan describe            # the demo the database holds, as JSON (or null)
    python -m benchmarks.load.plan write PLAN.json     # the pages each persona opens

Reading the ids here, rather than scraping them from pages during the run, keeps the run's requests to
the pages being measured. Only ids and slugs: no child's data leaves the database."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

QA_LEADS = ("qa-lead", "moderator")  # the QA team: every case, the cycle page, reports and the paper
TEAM_MANAGERS = (
    "team-manager",
    "manager-south",
    "manager-in-care",
    "manager-disabled-children",
    "manager-leaving-care",
    "manager-early-help",
)
CASES_PER_PERSON = 200
AUDITS_PER_AUDITOR = 10


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    import django

    django.setup()


def describe() -> dict[str, Any] | None:
    """The `demo.built` entry of the change history (cases, seed, as_of), or None for another database."""
    from django.db.utils import DatabaseError

    from caseaudit.accounts.models import ChangeEvent

    try:
        built = ChangeEvent.objects.filter(event="demo.built").order_by("pk").first()
    except DatabaseError:  # not migrated yet
        return None
    return None if built is None else dict(built.new)


def plan(seed: int = 0) -> dict[str, Any]:
    from caseaudit.accounts.models import Role, User
    from caseaudit.audits import completion
    from caseaudit.audits.models import Audit, AuditStatus
    from caseaudit.cases.models import Case, Staff, Team
    from caseaudit.cases.scoping import cases_visible_to
    from caseaudit.core.cohorts import COHORT_SLUGS
    from caseaudit.cycles.models import Cycle, CycleStatus

    rng = random.Random(seed)

    def sample(ids: list[int], k: int) -> list[int]:
        return rng.sample(ids, min(k, len(ids)))

    current = (
        Cycle.objects.exclude(status=CycleStatus.CLOSED)
        .filter(audit_type="case-file")
        .order_by("-starts_on")
        .first()
    )
    # The committee reads the paper of a finished cycle: the latest closed one (the current one if none).
    paper = Cycle.objects.filter(status=CycleStatus.CLOSED).order_by("-starts_on").first() or current
    open_cases = list(Case.objects.filter(closed_on__isnull=True).values_list("pk", flat=True))
    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    workers = {
        team: sample(
            list(
                Staff.objects.filter(team_id=team, user__role=Role.SOCIAL_WORKER).values_list("pk", flat=True)
            ),
            20,
        )
        for team in teams
    }
    people: dict[str, dict[str, Any]] = {}
    for username in QA_LEADS:
        if User.objects.filter(username=username, is_active=True).exists():
            people[username] = {"role": "qa-lead", "cases": sample(open_cases, CASES_PER_PERSON)}
    for username in TEAM_MANAGERS:
        manager = User.objects.filter(username=username, is_active=True).select_related("staff").first()
        if manager is None or manager.staff is None or manager.staff.team_id is None:
            continue
        visible = list(cases_visible_to(manager).filter(closed_on__isnull=True).values_list("pk", flat=True))
        team = manager.staff.team_id
        people[username] = {
            "role": "team-manager",
            "team": team,
            "workers": workers.get(team, []),
            "cases": sample(visible, CASES_PER_PERSON),
        }
    auditors = User.objects.filter(role=Role.AUDITOR, is_active=True).order_by("pk")
    for auditor in auditors:
        mine = Audit.objects.allocated_to(auditor).filter(cycle=current).select_related("template")
        writing = list(mine.filter(status=AuditStatus.IN_PROGRESS).order_by("pk")[:AUDITS_PER_AUDITOR])
        if not writing:
            continue
        others = list(mine.order_by("pk").values_list("pk", "case_id")[:50])
        people[auditor.username] = {
            "role": "auditor",
            "writing": [
                {"audit": a.pk, "case": a.case_id, "sections": [s.slug for s in completion.sections_of(a)]}
                for a in writing
            ],
            "audits": [pk for pk, _ in others],
            "cases": [case for _, case in others],
        }
    return {
        "cycle": current.pk if current else None,
        "paper": paper.pk if paper else None,
        "teams": teams,
        "cohorts": list(COHORT_SLUGS),
        "people": people,
    }


def main(argv: list[str]) -> None:
    _setup()
    if argv[:1] == ["describe"]:
        print(json.dumps(describe(), default=str))
    elif argv[:1] == ["write"] and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(plan(), indent=1), encoding="utf-8")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
