"""`caseaudit feedback practice | acknowledge | link`: feedback from the command line, as the person named
with `--as`: the auditor's feedback to the case's worker (sent when the audit is moderated), the worker's
acknowledgement, and a single-use link for a child, young person or carer to give theirs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.audits.actions.feedback import create_feedback_link
from caseaudit.audits.actions.practice_feedback import acknowledge_practice_feedback, save_practice_feedback
from caseaudit.audits.feedback import LINK_DAYS_DEFAULT, LINK_DAYS_MAX, QUESTIONS
from caseaudit.audits.models import Audit, PracticeFeedback
from caseaudit.audits.scoping import audits_visible_to


class Command(BaseCommand):
    help = (
        "Feedback on an audit: the auditor's feedback to the case's worker and manager (what went well, what "
        "to do next), sent when the audit is moderated; the worker's acknowledgement, with a reply if they "
        "want; and a single-use link for a child, young person or carer to give their feedback, printed "
        "once. As the person named with --as."
        " Example: caseaudit feedback link 41 --respondent young-person --days 21 --as auditor"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="practice|acknowledge|link")
        practice = commands.add_parser("practice", help="the auditor's feedback to the worker and manager")
        practice.add_argument("--went-well", required=True)
        practice.add_argument("--next-steps", required=True)
        acknowledge = commands.add_parser("acknowledge", help="the worker has read the feedback")
        acknowledge.add_argument("--reply", default="", help="a reply to the auditor, if you want one")
        link = commands.add_parser("link", help="a single-use link for a child, young person or carer")
        link.add_argument("--respondent", required=True, choices=sorted(QUESTIONS))
        works = f"days it works (default {LINK_DAYS_DEFAULT}, at most {LINK_DAYS_MAX})"
        link.add_argument("--days", type=int, default=LINK_DAYS_DEFAULT, help=works)
        link.add_argument("--site-url", help="the address the link points to; CASEAUDIT_SITE_URL by default")
        for command in (practice, acknowledge, link):
            command.add_argument("audit", type=int, help="the audit's number")
            add_actor_argument(command)

    def handle(self, *args: Any, **options: Any) -> None:
        user = person_from(options, "Feedback is a person's to give or acknowledge")
        audit = one_they_may_see(
            audits_visible_to(user).filter(pk=options["audit"]), user, f"audit {options['audit']}"
        )
        with refusals_as_errors():
            if options["command"] == "practice":
                save_practice_feedback(
                    audit, went_well=options["went_well"], next_steps=options["next_steps"],
                    expected_version=audit.version, acting_user=user,
                )  # fmt: skip
                self.stdout.write(
                    f"Feedback on audit {audit.pk} saved: the worker and manager get it when the audit is "
                    "moderated."
                )
            elif options["command"] == "acknowledge":
                self._acknowledge(audit, user, options["reply"])
            else:
                self._link(audit, user, options)

    def _acknowledge(self, audit: Audit, user: User, reply: str) -> None:
        feedback = PracticeFeedback.objects.filter(audit=audit).first()
        if feedback is None:
            raise CommandError(f"Audit {audit.pk} has no feedback for its worker.")
        acknowledge_practice_feedback(feedback, reply=reply, acting_user=user)
        self.stdout.write(f"Feedback on audit {audit.pk} acknowledged: its auditor is told.")

    def _link(self, audit: Audit, user: User, options: dict[str, Any]) -> None:
        token = create_feedback_link(
            audit, respondent=options["respondent"], days=options["days"], acting_user=user
        )
        site = (options["site_url"] or settings.CASEAUDIT_SITE_URL).rstrip("/")
        # The link on standard output alone, to be sent on; it is shown only this once.
        self.stdout.write(site + reverse("feedback:form", args=[token]))
        self.stderr.write(
            f"A link for the {options['respondent'].replace('-', ' ')} of audit {audit.pk}, working for "
            f"{options['days']} days and once only. It is shown only now: send it on, or make another."
        )
