from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.cycles.actions import allocate_cycle

from ._lookup import cycle_named


class Command(BaseCommand):
    help = (
        "Allocate a cycle's unallocated audits to the auditors: balanced loads and cohort mix, within each "
        "auditor's capacity, never a case of the auditor's own team."
        ' Example: caseaudit allocate-cycle "Autumn 2026" --as qa-lead'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='the cycle, e.g. "Autumn 2018"')
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_named(options["name"])
        with refusals_as_errors():
            result = allocate_cycle(cycle, acting_user=actor_from(options))
        self.stdout.write(f"{cycle.name}: {len(result.assigned)} audits allocated.")
        names = dict(User.objects.values_list("pk", "username"))
        loads: dict[int, int] = {}
        for user_id in result.assigned.values():
            loads[user_id] = loads.get(user_id, 0) + 1
        for user_id, count in sorted(loads.items(), key=lambda kv: names[kv[0]]):
            self.stdout.write(f"  {names[user_id]:<20}{count}")
        if result.unassigned:
            self.stderr.write(
                f"{len(result.unassigned)} audits could not be allocated: "
                + "; ".join(sorted(set(result.unassigned.values())))
                + ". Add an auditor from another team, or raise a capacity."
            )
