"""`caseaudit concerns list | raise | respond`: safeguarding concerns from the command line, as the person
named with `--as`. Raising one says, as the page does, who really has it: a concern nobody managing the
case has by email tells the auditor to phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import F

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.improvement.actions.concerns import escalate_concern, respond_to_concern
from caseaudit.improvement.escalation import escalation_of, escalations_of
from caseaudit.improvement.scoping import concerns_visible_to
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "Safeguarding concerns raised in audits: list those this person may see, the unanswered first; "
        "raise one about an audit's child (its team manager is told in the app and by email, the QA lead "
        "too, and the command says who really has it); or record the manager's response, which closes it."
        " Example: caseaudit concerns raise 41 --description 'Bruising not followed up' --as auditor"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="list|raise|respond")
        listing = commands.add_parser("list", help="the concerns this person may see")
        add_format_argument(listing)
        raising = commands.add_parser("raise", help="raise a concern about an audit's child")
        raising.add_argument("audit", type=int, help="the audit's number")
        raising.add_argument("--description", required=True, help="what was found, and why it worries you")
        respond = commands.add_parser("respond", help="the team manager's response, which closes it")
        respond.add_argument("concern", type=int, help="the concern's number")
        respond.add_argument("--response", required=True, help="what has been done")
        for command in (listing, raising, respond):
            add_actor_argument(command)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "A concern is raised and answered by a person")
        with refusals_as_errors():
            if options["command"] == "list":
                self._list(actor, options["format"])
            elif options["command"] == "raise":
                self._raise(actor, options["audit"], options["description"])
            else:
                self._respond(actor, options["concern"], options["response"])

    def _raise(self, user: User, audit_id: int, description: str) -> None:
        found = audits_visible_to(user).select_related("case").filter(pk=audit_id)
        audit = one_they_may_see(found, user, f"audit {audit_id}")
        concern = escalate_concern(audit, description=description, acting_user=user)
        # Read after the concern is saved and its emails handed over: the truth, not the intent.
        self.stdout.write(f"Concern {concern.pk}: {escalation_of(concern).summary()}")

    def _respond(self, user: User, concern_id: int, response: str) -> None:
        concern = one_they_may_see(
            concerns_visible_to(user).filter(pk=concern_id), user, f"concern {concern_id}"
        )
        respond_to_concern(concern, response=response, acting_user=user)
        self.stdout.write(f"Concern {concern.pk} is answered and closed; whoever raised it is told.")

    def _list(self, user: User, chosen: str) -> None:
        policy.require(user, policy.READ_CONCERN)
        # The unanswered first, NULL first on either database (PostgreSQL puts NULL last), then the newest.
        waiting_first = F("responded_at").asc(nulls_first=True)
        visible = concerns_visible_to(user).select_related("case", "raised_by")
        concerns = list(visible.order_by(waiting_first, "-raised_at"))
        told = escalations_of(concerns)
        rows = [
            {
                "id": concern.pk,
                "child_id": concern.case.child_id,
                "audit": concern.audit_id,
                "raised_by": concern.raised_by.username if concern.raised_by else None,
                "raised_at": concern.raised_at,
                "answered": concern.responded_at is not None,
                "manager_emailed": told[concern.pk].manager_emailed,
            }
            for concern in concerns
        ]
        record_access(user, "view", "concern-list", "", f"command line: {shown('concerns', len(rows))}")

        def text() -> None:
            for row in rows:
                state = "answered" if row["answered"] else "waiting for the manager"
                emailed = "manager emailed" if row["manager_emailed"] else "no manager emailed: phone"
                self.stdout.write(
                    f"{row['id']}\t{row['child_id']}\traised {row['raised_at']:%Y-%m-%d} by "
                    f"{row['raised_by'] or 'someone since gone'}\t{state}\t{emailed}"
                )
            self.stdout.write(f"{len(rows)} concern{'' if len(rows) == 1 else 's'}.")

        write_data(self.stdout, rows, chosen, text)
