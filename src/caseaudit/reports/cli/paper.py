"""`caseaudit report paper --cycle NAME`: the committee paper of a cycle, as kept (reports.PaperVersion).

PDF and Word are the stored files, never drawn again: the latest version issued, or with `--draft` the
draft (drawn now if the cycle has none yet), or `--version N`. The QA lead (`--as`) may first draw a new
draft (`--regenerate`) and issue it (`--issue --note TEXT`), as on the paper's page. HTML is not kept: it
is the paper from today's figures, as the page shows it."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.private_files import FileRefused, write_private
from caseaudit.reports.actions import issue_paper
from caseaudit.reports.grades import GRADE_SOURCES, GradeSource
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper import queries
from caseaudit.reports.paper.context import build_paper_context, paper_file_stem
from caseaudit.reports.paper_drafts import (
    current_draft,
    draft_for_download,
    issued_versions,
    latest_issued,
    render_and_store,
)
from caseaudit.reports.paper_store import StoredPaperUnreadable, read_file

HELP = (
    "The committee paper of a cycle: summary, method, the tables of grades by year and cohort with a chart, "
    "auditor against moderated grades, themes, timeliness, actions and caveats. No child or worker is named. "
    "PDF and Word are the files kept: the latest version issued (or the draft, if none is issued yet), the "
    "draft with --draft, or --version N. The QA lead may --regenerate the draft and --issue it."
)
FORMATS = ("pdf", "docx", "html")


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--cycle", required=True, metavar="NAME", help='the cycle, e.g. "Autumn 2021"')
    parser.add_argument("--format", choices=FORMATS, default="pdf", help="pdf (default), docx or html")
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write it (default: paper-<cycle>-<draft or vN>.<format> in the current folder; - for "
        "HTML on standard output)",
    )
    parser.add_argument(
        "--grade-source",
        choices=GRADE_SOURCES,
        default="moderated",
        help="moderated (default) or auditor: the draft's grades, and HTML's",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--draft", action="store_true", help="the draft, drawn now if none is kept yet")
    which.add_argument("--version", type=int, metavar="N", help="issued version N")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="first draw the draft again from today's figures (the QA lead, with --as)",
    )
    parser.add_argument(
        "--issue",
        action="store_true",
        help="issue the draft as the next version, which then never changes (the QA lead, with --as)",
    )
    parser.add_argument(
        "--note", default="", metavar="TEXT", help="with --issue: what changed since the last"
    )
    add_actor_argument(parser)


def find_cycle(name: str) -> Cycle:
    """The confirmed cycle called `name` (any case); a clear error listing the cycles otherwise."""
    cycle = Cycle.objects.filter(name__iexact=name.strip()).first()
    if cycle is None:
        names = list(Cycle.objects.exclude(status=CycleStatus.DRAFT).values_list("name", flat=True))
        known = f"Cycles: {', '.join(names)}." if names else "There are no cycles yet."
        raise CommandError(f"There is no cycle called {name!r}. {known}")
    if cycle.status == CycleStatus.DRAFT:
        raise CommandError(f"{cycle.name} is a draft sample: confirm it before writing its paper.")
    return cycle


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    file_format = options["format"]
    output = options["output"]
    if output == "-" and file_format != "html":
        raise CommandError(
            f"A {file_format.upper()} is not for the terminal: give --output FILE.{file_format}, or leave "
            "--output out to write it in the current folder."
        )
    if options["note"] and not options["issue"]:
        raise CommandError("--note goes with --issue: it says what changed in the version issued.")
    actor = actor_from(options)
    if isinstance(actor, User):
        # The command line writes any paper; a person only what the paper's page would show them.
        with refusals_as_errors():
            policy.require(actor, policy.READ_REPORTS)
    cycle = find_cycle(options["cycle"])
    if not queries.has_completed_audits(cycle):
        raise CommandError(queries.nothing_completed(cycle))
    grade_source = options["grade_source"]
    issued = _regenerate_and_issue(command, cycle, options, actor)
    if file_format == "html":
        _write_html(command, cycle, grade_source, output, actor)
        return
    version = issued or _chosen(cycle, options, actor)
    which = f"version {version.number}" if version.issued else "draft"
    try:
        content = read_file(version, file_format)
    except StoredPaperUnreadable as unreadable:
        raise CommandError(str(unreadable)) from None
    default = f"{paper_file_stem(cycle)}-{which.replace('version ', 'v')}.{file_format}"
    path = Path(output) if output else Path.cwd() / default
    _write(path, content)
    detail = f"committee paper ({file_format}, {version.grade_source} grades, {which})"
    record_access(actor, "export", "cycle", cycle.pk, detail)
    print(
        f"Wrote the {which} of the committee paper for {cycle.name} to {path} ({file_format}).",
        file=sys.stderr,
    )


def _regenerate_and_issue(
    command: BaseCommand, cycle: Cycle, options: dict[str, Any], actor: Any
) -> PaperVersion | None:
    """`--regenerate` draws the draft again; `--issue` issues the draft. Both are the QA lead's."""
    grade_source = options["grade_source"]
    with refusals_as_errors():
        if options["regenerate"]:
            render_and_store(cycle, grade_source=grade_source, acting_user=actor)
            print(f"Drew a new draft of the committee paper for {cycle.name}.", file=sys.stderr)
        if not options["issue"]:
            return None
        policy.require(actor, policy.ISSUE_PAPERS)  # before saying whether there is a draft
        draft = current_draft(cycle, grade_source)
        if draft is None:
            raise CommandError(f"{cycle.name} has no draft paper to issue: draw one with --regenerate.")
        version = issue_paper(
            cycle,
            draft_pk=draft.pk,
            expected_sha256=draft.pdf_sha256,
            note=options["note"],
            acting_user=actor,
        )
    print(f"Issued version {version.number} of the committee paper for {cycle.name}.", file=sys.stderr)
    return version


def _chosen(cycle: Cycle, options: dict[str, Any], actor: Any) -> PaperVersion:
    """The version asked for; by default the latest issued, or the draft while none is issued."""
    if options["version"] is not None:
        version = issued_versions(cycle).filter(number=options["version"]).first()
        if version is None:
            numbers = [str(n) for n in issued_versions(cycle).values_list("number", flat=True)]
            known = f"Versions issued: {', '.join(numbers)}." if numbers else "None is issued yet."
            raise CommandError(f"{cycle.name} has no version {options['version']} of its paper. {known}")
        return version
    latest = None if options["draft"] or options["regenerate"] else latest_issued(cycle)
    if latest is not None:
        return latest
    with refusals_as_errors():
        return draft_for_download(cycle, options["grade_source"], actor)


def _write_html(
    command: BaseCommand, cycle: Cycle, grade_source: GradeSource, output: str | None, actor: Any
) -> None:
    from caseaudit.reports.paper.html import render_html

    paper = build_paper_context(cycle, grade_source=grade_source)
    content = render_html(paper)
    detail = f"committee paper (html, {paper.grade_source} grades)"
    if output == "-":
        command.stdout.write(content, ending="")
        record_access(actor, "export", "cycle", cycle.pk, detail)
        return
    path = Path(output) if output else Path.cwd() / f"{paper_file_stem(cycle)}.html"
    _write(path, content.encode("utf-8"))
    record_access(actor, "export", "cycle", cycle.pk, detail)
    print(f"Wrote the committee paper for {cycle.name} to {path} (html).", file=sys.stderr)


def _write(path: Path, content: bytes) -> None:
    try:
        write_private(path, lambda temporary: temporary.write_bytes(content))
    except (FileRefused, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(f"Cannot write {path}: {reason}.") from None
