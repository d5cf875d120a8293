"""`caseaudit moderate queue | agree | change | return`: moderation from the command line, as the moderator
named with `--as`, with the moderation page's rules (a changed grade needs its reason, a return its
comments, nobody moderates an audit they wrote)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.audits.actions.moderation import decide
from caseaudit.audits.listing import audit_row, waiting_for_moderation
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "Moderation: the submitted audits waiting for a moderator, the longest waiting first, and a "
        "moderator's decision on one: agree with the auditor's grade, change it (with the reason), or "
        "return the audit to its auditor (with what more is needed). Acts as the moderator named with --as."
        " Example: caseaudit moderate change 41 --grade requires-improvement --reason 'Drift in the plan' "
        "--as moderator"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="queue|agree|change|return")
        queue = commands.add_parser("queue", help="the audits waiting for moderation")
        add_format_argument(queue)
        add_actor_argument(queue)
        agree = commands.add_parser("agree", help="agree with the auditor's grade")
        change = commands.add_parser("change", help="change the grade, with the reason")
        change.add_argument("--grade", required=True, help="the moderated grade, on the audit's scale")
        change.add_argument("--reason", required=True, help="why the grade changes (the auditor reads it)")
        back = commands.add_parser("return", help="return the audit to its auditor, with what is needed")
        back.add_argument("--comments", required=True, help="what more work is needed")
        for decision in (agree, change, back):
            decision.add_argument("audit", type=int, help="the audit's number (as the queue shows)")
            add_actor_argument(decision)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "Moderation is a moderator's")
        with refusals_as_errors():
            moderator = policy.person(actor, policy.MODERATE)
            if options["command"] == "queue":
                self._queue(moderator, options["format"])
            else:
                self._decide(moderator, options)

    def _queue(self, moderator: User, chosen: str) -> None:
        today = timezone.localdate()
        rows = [audit_row(audit) for audit in waiting_for_moderation(moderator)]
        listed = f"command line: {shown('waiting', len(rows))}"
        record_access(moderator, "view", "moderation-queue", "", listed)

        def text() -> None:
            for row in rows:
                submitted = row["submitted_at"]
                waited = f"{(today - timezone.localdate(submitted)).days} days waiting" if submitted else ""
                self.stdout.write(
                    f"{row['id']}\t{row['child_id']}\t{row['cycle'] or ''}\t{row['auditor'] or ''}\t"
                    f"{row['auditor_grade'] or 'no grade'}\t{waited}"
                )
            self.stdout.write(f"{len(rows)} audit{'' if len(rows) == 1 else 's'} waiting for moderation.")

        write_data(self.stdout, rows, chosen, text)

    def _decide(self, moderator: User, options: dict[str, Any]) -> None:
        visible = audits_visible_to(moderator).select_related("case", "grade_scale")
        audit = one_they_may_see(visible.filter(pk=options["audit"]), moderator, f"audit {options['audit']}")
        policy.require(moderator, policy.MODERATE, audit)
        decision, version = options["command"], audit.version
        decide(
            audit, decision, grade=options.get("grade", ""), reason=options.get("reason", ""),
            comments=options.get("comments", ""), expected_version=version, acting_user=moderator,
        )  # fmt: skip
        audit.refresh_from_db()
        if decision == "return":
            said = "returned to its auditor, who is told what more is needed"
        else:
            scale = audit.grade_scale
            said = f"moderated: {scale.label(audit.moderated_grade) if scale else audit.moderated_grade}"
        self.stdout.write(
            f"Audit {audit.pk} ({audit.case.child_id}) is {said}. The decision is in its history."
        )
