"""`caseaudit cycle swap | confirm | discard | reopen | reallocate | withdraw NAME ...`: the changes the
cycle's pages make to one cycle and its audits, each through the same action function and rules."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.audits.actions.withdrawal import withdraw_audit
from caseaudit.audits.models import Audit
from caseaudit.cycles import actions
from caseaudit.cycles.models import Cycle

from ._lookup import cycle_named

SUBCOMMANDS = "swap|confirm|discard|reopen|reallocate|withdraw"


class Command(BaseCommand):
    help = (
        "Change one audit cycle as its pages do: swap a case in a draft's sample (with the reason), confirm "
        "the draft, or discard it; reopen a closed cycle; reallocate an audit to another auditor, or "
        "withdraw the audit of a case that has closed (each with the reason). `caseaudit plan-cycle --draft` "
        "plans the draft to review."
        ' Example: caseaudit cycle swap "Autumn 2026" --out N000123 --in N000456 --reason "Subject of a '
        'complaint" --as qa-lead'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar=SUBCOMMANDS)
        swap = _on_cycle(commands, "swap", "take a case out of a draft's sample and put another in")
        swap.add_argument("--out", required=True, metavar="CHILD_ID", help="the case taken out")
        swap.add_argument("--in", dest="into", required=True, metavar="CHILD_ID", help="the case put in")
        swap.add_argument("--reason", required=True, help="why, for the sample's record")
        _on_cycle(commands, "confirm", "confirm a draft: its sample is then fixed, ready to allocate")
        discard = _on_cycle(commands, "discard", "delete a draft and its sample (the history keeps it)")
        discard.add_argument("--yes", action="store_true", help="yes, discard it (asked for, to be sure)")
        reopen = _on_cycle(commands, "reopen", "reopen a closed cycle, with the reason")
        reopen.add_argument("--reason", required=True)
        reallocate = _on_cycle(commands, "reallocate", "move a case's audit to another auditor")
        reallocate.add_argument("child_id", metavar="CHILD_ID", help="the case whose audit moves")
        reallocate.add_argument("--to", required=True, metavar="USERNAME", help="the auditor it goes to")
        reallocate.add_argument("--reason", required=True)
        withdraw = _on_cycle(commands, "withdraw", "take a closed case's audit out of the cycle")
        withdraw.add_argument("child_id", metavar="CHILD_ID")
        withdraw.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_named(options["name"])
        actor = actor_from(options)
        command = options["command"]
        with refusals_as_errors():
            if command == "swap":
                removed = _audit_of(cycle, options["out"])
                actions.swap_case(
                    cycle, remove=removed, add_child_id=options["into"], reason=options["reason"],
                    acting_user=actor,
                )  # fmt: skip
                said = f"{cycle.name}: {options['out']} is out of the sample, {options['into'].strip()} in"
            elif command == "confirm":
                actions.confirm_cycle(cycle, acting_user=actor)
                said = f"{cycle.name} is confirmed with {cycle.audits.count()} cases, ready to allocate"
            elif command == "discard":
                if not options["yes"]:
                    raise CommandError(
                        f"Discarding deletes the draft {cycle.name} and its sample of {cycle.audits.count()} "
                        "cases: add --yes to discard it."
                    )
                actions.discard_draft(cycle, acting_user=actor)
                said = f"{cycle.name} is discarded, with its sample"
            elif command == "reopen":
                actions.reopen_cycle(cycle, reason=options["reason"], acting_user=actor)
                said = f"{cycle.name} is reopened, now {cycle.get_status_display().lower()}"
            elif command == "reallocate":
                audit = _audit_of(cycle, options["child_id"])
                auditor = User.objects.filter(username=options["to"], is_active=True).first()
                if auditor is None:
                    raise CommandError(f"No active account has the username {options['to']!r}.")
                actions.reallocate_audit(
                    audit, to_auditor=auditor, reason=options["reason"], acting_user=actor
                )
                said = f"{cycle.name}: the audit of {audit.case.child_id} is now {auditor.username}'s"
            else:
                audit = _audit_of(cycle, options["child_id"])
                withdraw_audit(audit, reason=options["reason"], acting_user=actor)
                said = f"{cycle.name}: the audit of {audit.case.child_id} is withdrawn"
        self.stdout.write(f"{said}. The history keeps the change.")


def _on_cycle(commands: Any, name: str, help_text: str) -> ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    parser.add_argument("name", help='the cycle, e.g. "Autumn 2026"')
    add_actor_argument(parser)
    return parser


def _audit_of(cycle: Cycle, child_id: str) -> Audit:
    audit = cycle.audits.select_related("case", "cycle").filter(case__child_id=child_id.strip()).first()
    if audit is None:
        raise CommandError(f"{child_id.strip()!r} is not in the sample of {cycle.name}.")
    return audit
