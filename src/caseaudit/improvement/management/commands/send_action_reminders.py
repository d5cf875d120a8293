from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.improvement.reminders import DUE_SOON_DAYS, send_action_reminders
from caseaudit.readers.command_output import date_option


class Command(BaseCommand):
    help = (
        "Remind each action owner, in the app and by email, of their actions overdue or due within "
        f"{DUE_SOON_DAYS} days. At most once a day: a second run on the same day sends nothing. "
        "Schedule it daily with cron."
        " Example: caseaudit send-action-reminders --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to remind as of (YYYY-MM-DD); today by default")
        parser.add_argument("--dry-run", action="store_true", help="say who would be reminded; send nothing")
        parser.add_argument("--site-url", help="the address links point to; CASEAUDIT_SITE_URL by default")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = date_option(options["as_of"], "--as-of") if options["as_of"] else timezone.localdate()
        with refusals_as_errors():
            run = send_action_reminders(
                as_of,
                acting_user=actor_from(options),
                dry_run=options["dry_run"],
                site_url=options["site_url"],
            )
        if options["dry_run"]:
            owners, day = len(run.reminders), f"{as_of:%Y-%m-%d}"
            self.stdout.write(f"Would remind {owners} owner(s) about {run.actions} action(s) as of {day}.")
            for reminder in run.reminders:
                overdue, soon = len(reminder.overdue), len(reminder.due_soon)
                self.stdout.write(f"  user {reminder.owner.pk}: {overdue} overdue, {soon} due soon")
            return
        self.stdout.write(
            f"Reminded {run.told} owner(s) about {run.actions} action(s) as of {as_of:%Y-%m-%d}: "
            f"{run.sent} emailed."
        )
        if run.failed:
            raise CommandError(
                f"{run.failed} reminder email(s) were not accepted by the mail server; they wait in the "
                "outbox, which tries them again (caseaudit send-email)."
            )
