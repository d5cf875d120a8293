"""`caseaudit follow-ups list | arrange | complete`: follow-up audits from the command line, as the person
named with `--as`: the QA lead arranges one for a case's actions; its auditor answers, action by action,
whether each was done, which verifies or reopens it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.improvement.actions.follow_ups import complete_follow_up, create_follow_up
from caseaudit.improvement.follow_up import Answer
from caseaudit.improvement.scoping import follow_ups_visible_to
from caseaudit.readers.command_output import date_option
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "Follow-up audits: list those this person may see; arrange one for a case's open and done actions "
        "(the QA lead: an auditor from another team, a due date); complete one as its auditor, saying for "
        "each action whether it was done (with the evidence) or not (with why): done verifies the action, "
        "not done reopens it. As the person named with --as."
        " Example: caseaudit follow-ups complete 7 --done 41='Plan on file' --not-done 42='No visit' "
        "--as auditor"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="list|arrange|complete")
        listing = commands.add_parser("list", help="the follow-up audits this person may see")
        add_format_argument(listing)
        arrange = commands.add_parser("arrange", help="arrange a follow-up audit of a case's actions")
        arrange.add_argument("child_id", metavar="CHILD_ID")
        arrange.add_argument("--auditor", required=True, metavar="USERNAME", help="never of the case's team")
        arrange.add_argument("--due", required=True, metavar="YYYY-MM-DD")
        complete = commands.add_parser("complete", help="answer, action by action, whether each was done")
        complete.add_argument("follow_up", type=int, metavar="ID")
        complete.add_argument("--done", action="append", default=[], metavar="ACTION=EVIDENCE",
                              help="an action that was done, and what shows it (again for each)")  # fmt: skip
        complete.add_argument("--not-done", action="append", default=[], metavar="ACTION=WHY",
                              help="an action that was not done, and why (again for each)")  # fmt: skip
        complete.add_argument("--note", default="", help="for the whole follow-up")
        for command in (listing, arrange, complete):
            add_actor_argument(command)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "Follow-up audits are a person's")
        with refusals_as_errors():
            if options["command"] == "list":
                self._list(actor, options["format"])
            elif options["command"] == "arrange":
                self._arrange(actor, options)
            else:
                self._complete(actor, options)

    def _list(self, user: User, chosen: str) -> None:
        policy.require(user, policy.READ_FOLLOW_UPS)
        follow_ups = follow_ups_visible_to(user).select_related("case", "auditor")
        rows: list[dict[str, Any]] = [
            {
                "id": follow_up.pk,
                "child_id": follow_up.case.child_id,
                "auditor": follow_up.auditor.username,
                "due_on": follow_up.due_on,
                "status": follow_up.status,
                "actions": [item.action_id for item in follow_up.items.all()],
            }
            for follow_up in follow_ups.prefetch_related("items")
        ]
        record_access(user, "view", "follow-up-list", "", f"command line: {shown('follow-ups', len(rows))}")

        def text() -> None:
            for row in rows:
                actions = ", ".join(map(str, row["actions"]))
                self.stdout.write(
                    f"{row['id']}\t{row['child_id']}\t{row['auditor']}\tdue {row['due_on']:%Y-%m-%d}\t"
                    f"{row['status']}\tactions {actions}"
                )
            self.stdout.write(f"{len(rows)} follow-up audit{'' if len(rows) == 1 else 's'}.")

        write_data(self.stdout, rows, chosen, text)

    def _arrange(self, user: User, options: dict[str, Any]) -> None:
        child_id = options["child_id"].strip()
        case = one_they_may_see(cases_visible_to(user).filter(child_id=child_id), user, f"case {child_id!r}")
        auditor = User.objects.filter(username=options["auditor"], is_active=True).first()
        follow_up = create_follow_up(
            case, auditor=auditor, due_on=date_option(options["due"], "--due"), acting_user=user
        )
        checked = follow_up.items.count()
        self.stdout.write(
            f"Follow-up audit {follow_up.pk} of {case.child_id} arranged for {follow_up.auditor.username}, "
            f"due {follow_up.due_on:%-d %B %Y}: {checked} action{'' if checked == 1 else 's'} to check."
        )

    def _complete(self, user: User, options: dict[str, Any]) -> None:
        number = options["follow_up"]
        found = follow_ups_visible_to(user).filter(pk=number)
        follow_up = one_they_may_see(found, user, f"follow-up audit {number}")
        answers = {**_answers(options["done"], done=True), **_answers(options["not_done"], done=False)}
        complete_follow_up(follow_up, answers=answers, note=options["note"], acting_user=user)
        done = sum(answer.done is True for answer in answers.values())
        self.stdout.write(
            f"Follow-up audit {follow_up.pk} is complete: {done} action(s) verified, "
            f"{len(answers) - done} reopened."
        )


def _answers(given: list[str], *, done: bool) -> dict[int, Answer]:
    answers = {}
    for pair in given:
        number, equals, words = pair.partition("=")
        if not equals or not number.strip().isdigit():
            raise CommandError(f"{pair!r}: give ACTION=WORDS, the action by its number.")
        answers[int(number)] = Answer(done, words.strip())
    return answers
