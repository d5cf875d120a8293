"""`caseaudit draft show | start | section | evidence | overall | finding | action | remove | submit`: the
auditor's draft from the command line, through the audit form's action functions and rules, as the auditor
named with `--as`. Each change is made on the version just read: a change made meanwhile in the browser is
never overwritten, it is refused."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import add_actor_argument, one_they_may_see, person_from, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.draft_view import DRAFT_IS_THE_AUDITORS, as_written, may_read_draft
from caseaudit.audits.models import Audit, Theme
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.locking import EditConflict
from caseaudit.readers.command_output import date_option

SUBCOMMANDS = "show|start|section|evidence|overall|finding|action|remove|submit"


class Command(BaseCommand):
    help = (
        "The auditor's draft of an audit: show it (every section, the evidence used, the overall grade, "
        "findings, actions, and what submission still lacks), start it, write a section, record when a "
        "source of evidence was used, give the overall grade, add a finding or an action, take one off, and "
        "submit it for moderation, with the audit form's rules. As the audit's auditor, named with --as."
        " Example: caseaudit draft section 41 plan --grade good --analysis 'The plan is SMART' --as auditor"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar=SUBCOMMANDS)
        show = _on_audit(commands, "show", "the draft as written, and what submission still lacks")
        show.add_argument("--format", choices=("text", "json"), default="text")
        _on_audit(commands, "start", "start the audit: its tool is fixed and its sections can be written")
        section = _on_audit(commands, "section", "write a section; what is not given stays as it was")
        section.add_argument(
            "section", metavar="SECTION", help="the section's slug (`draft show` lists them)"
        )
        section.add_argument("--grade")
        section.add_argument("--evidence", help="what was seen, and where")
        section.add_argument("--analysis", help="what it means for the child")
        section.add_argument("--answer", action="append", default=[], metavar="QUESTION=ANSWER",
                             help="a question's answer, by its slug (again for each question)")  # fmt: skip
        evidence = _on_audit(commands, "evidence", "record the day a source of evidence was used")
        evidence.add_argument("source", metavar="SOURCE", help="record-review, worker-interview, ...")
        evidence.add_argument("--used-on", required=True, metavar="YYYY-MM-DD")
        evidence.add_argument("--note", default="")
        overall = _on_audit(commands, "overall", "the overall grade and its rationale")
        overall.add_argument("--grade", required=True)
        overall.add_argument("--rationale", default="")
        finding = _on_audit(commands, "finding", "add a strength or an area for development, under a theme")
        finding.add_argument("--kind", choices=("strength", "issue"), required=True)
        finding.add_argument("--theme", required=True, help="a theme's slug (`caseaudit themes` lists them)")
        finding.add_argument("--text", required=True)
        action = _on_audit(commands, "action", "add an action for the case's team, for the tracker")
        action.add_argument("--description", required=True)
        action.add_argument(
            "--owner", required=True, metavar="USERNAME", help="a manager or worker of the team"
        )
        action.add_argument("--due", required=True, metavar="YYYY-MM-DD")
        remove = _on_audit(commands, "remove", "take a finding, an action or a source of evidence off")
        remove.add_argument("what", choices=("finding", "action", "evidence"))
        remove.add_argument("which", help="the finding's or action's number, or the source")
        submit = _on_audit(commands, "submit", "submit the audit for moderation, once it lacks nothing")
        submit.add_argument("--confirm-not-triangulated", action="store_true",
                            help="submit an audit resting on the record alone, so flagged")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        actor = person_from(options, "A draft is its auditor's")
        with refusals_as_errors():
            user = policy.person(actor, policy.READ_CHILD_RECORDS)
            visible = audits_visible_to(user).select_related("case", "grade_scale")
            audit = one_they_may_see(visible.filter(pk=options["audit"]), user, f"audit {options['audit']}")
            if not may_read_draft(user, audit):
                raise CommandError(DRAFT_IS_THE_AUDITORS)
            if options["command"] == "show":
                record_access(user, "view", "audit", audit.pk, "command line: draft")
                self._show(as_written(audit), options["format"])
                return
            policy.require(user, policy.COMPLETE_AUDIT, audit)
            try:
                said = self._change(audit, user, options)
            except EditConflict as conflict:
                raise CommandError(str(conflict)) from None
        audit.refresh_from_db()
        lacking = [part for part in completion.parts_of(audit) if part.lacking]
        still = "it lacks nothing for submission" if not lacking else f"{len(lacking)} part(s) still lacking"
        self.stdout.write(f"Audit {audit.pk}: {said} ({audit.get_status_display().lower()}; {still}).")

    def _change(self, audit: Audit, user: User, options: dict[str, Any]) -> str:
        command, version = options["command"], audit.version
        if command == "start":
            completing.start_audit(audit, expected_version=version, acting_user=user)
            return "started"
        if command == "section":
            # What is not given stays as written: the section as it is now, then what was given.
            current = audit.sections.filter(section=options["section"]).first()
            answers = {**(getattr(current, "answers", None) or {}), **_answers(options["answer"])}
            completing.save_section(
                audit, options["section"],
                grade=_given(options["grade"], getattr(current, "grade", "")),
                evidence=_given(options["evidence"], getattr(current, "evidence", "")),
                analysis=_given(options["analysis"], getattr(current, "analysis", "")),
                answers=answers, expected_version=version, acting_user=user,
            )  # fmt: skip
            return f"section {options['section']} saved"
        if command == "evidence":
            used_on = date_option(options["used_on"], "--used-on")
            completing.record_evidence(
                audit, options["source"], used_on=used_on, note=options["note"], expected_version=version,
                acting_user=user,
            )  # fmt: skip
            return f"{options['source']} used on {used_on:%-d %B %Y}"
        if command == "overall":
            completing.save_overall(
                audit, grade=options["grade"], rationale=options["rationale"], expected_version=version,
                acting_user=user,
            )  # fmt: skip
            return "overall grade saved"
        if command == "finding":
            theme = Theme.objects.filter(slug=options["theme"], active=True).first()
            if theme is None:
                raise CommandError(
                    f"No theme {options['theme']!r} is offered: `caseaudit themes` lists them."
                )
            completing.add_finding(
                audit, kind=options["kind"], theme=theme, text=options["text"], expected_version=version,
                acting_user=user,
            )  # fmt: skip
            return f"{options['kind']} added under {theme.label}"
        if command == "action":
            owner = User.objects.filter(username=options["owner"]).first()
            due_on = date_option(options["due"], "--due")
            completing.add_action(
                audit, description=options["description"], owner=owner, due_on=due_on,
                expected_version=version, acting_user=user,
            )  # fmt: skip
            return f"action added for {options['owner']}"
        if command == "remove":
            return self._remove(audit, user, options["what"], options["which"], version)
        completing.submit_audit(
            audit, confirm_not_triangulated=options["confirm_not_triangulated"], expected_version=version,
            acting_user=user,
        )  # fmt: skip
        return "submitted for moderation"

    def _remove(self, audit: Audit, user: User, what: str, which: str, version: int) -> str:
        if what == "evidence":
            completing.remove_evidence(audit, which, expected_version=version, acting_user=user)
        elif not which.isdigit():
            raise CommandError(f"Give the {what}'s number, as `caseaudit draft show` lists it.")
        elif what == "finding":
            completing.remove_finding(audit, int(which), expected_version=version, acting_user=user)
        else:
            completing.remove_action(audit, int(which), expected_version=version, acting_user=user)
        return f"{what} {which} taken off"

    def _show(self, draft: dict[str, Any], chosen: str) -> None:
        if chosen == "json":
            self.stdout.write(json.dumps(draft, indent=2, default=str))
            return
        write = self.stdout.write
        write(f"Audit {draft['id']}, {draft['status']}, version {draft['version']}.")
        for section in draft["sections"]:
            write(f"\n{section['title']} [{section['slug']}]: {section['grade'] or 'no grade yet'}")
            for label in ("evidence", "analysis"):
                if section[label]:
                    write(f"  {label.capitalize()}: {section[label]}")
            for question in section["questions"]:
                answer = section["answers"].get(question["slug"], "") or "-"
                write(f"  {question['text']} [{question['slug']}]: {answer}")
        for use in draft["evidence"]:
            write(f"Evidence: {use['source']}, used on {use['used_on']}")
        overall = draft["overall"]
        write(f"\nOverall: {overall['grade'] or 'no grade yet'}. {overall['rationale']}".rstrip())
        for finding in draft["findings"]:
            write(f"Finding {finding['id']} ({finding['kind']}, {finding['theme']}): {finding['text']}")
        for action in draft["actions"]:
            owned = f"for {action['owner']}, due {action['due_on']}"
            write(f"Action {action['id']} {owned}: {action['description']}")
        for part, lacking in draft["lacking"].items():
            write(f"Still lacking, {part}: " + "; ".join(lacking))
        if not draft["lacking"]:
            write("Nothing is lacking: it can be submitted.")


def _on_audit(commands: Any, name: str, help_text: str) -> ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    parser.add_argument("audit", type=int, help="the audit's number (`caseaudit audits` lists them)")
    add_actor_argument(parser)
    return parser


def _given(value: str | None, current: str | None) -> str:
    return (current or "") if value is None else value


def _answers(given: list[str]) -> dict[str, str]:
    answers = {}
    for pair in given:
        question, equals, answer = pair.partition("=")
        if not equals or not question.strip():
            raise CommandError(f"--answer {pair!r}: give QUESTION=ANSWER, the question by its slug.")
        answers[question.strip()] = answer.strip()
    return answers
