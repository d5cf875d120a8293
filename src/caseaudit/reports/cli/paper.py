"""`caseaudit report paper --cycle NAME`: the committee paper of a cycle as PDF, Word or HTML."""

from __future__ import annotations

import os
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
from caseaudit.reports.grades import GRADE_SOURCES
from caseaudit.reports.paper.context import build_paper_context, paper_file_stem

HELP = (
    "The committee paper of a cycle: summary, method, the tables of grades by year and cohort with a chart, "
    "auditor against moderated grades, themes, timeliness, actions and caveats. No child or worker is named."
)
FORMATS = ("pdf", "docx", "html")


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--cycle", required=True, metavar="NAME", help='the cycle, e.g. "Autumn 2021"')
    parser.add_argument("--format", choices=FORMATS, default="pdf", help="pdf (default), docx or html")
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write it (default: paper-<cycle>.<format> in the current folder; - for HTML on "
        "standard output)",
    )
    parser.add_argument(
        "--grade-source", choices=GRADE_SOURCES, default="moderated", help="moderated (default) or auditor"
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
    actor = actor_from(options)
    if isinstance(actor, User):
        # The command line writes any paper; a person only what the paper's page would show them.
        with refusals_as_errors():
            policy.require(actor, policy.READ_REPORTS)
    cycle = find_cycle(options["cycle"])
    paper = build_paper_context(cycle, grade_source=options["grade_source"])
    if file_format == "html":
        from caseaudit.reports.paper.html import render_html

        content: bytes = render_html(paper).encode("utf-8")
    elif file_format == "docx":
        from caseaudit.reports.paper.docx import render_docx

        content = render_docx(paper)
    else:
        from caseaudit.reports.paper.pdf import render_pdf

        content = render_pdf(paper)
    detail = f"committee paper ({file_format}, {paper.grade_source} grades)"
    if output == "-":
        command.stdout.write(content.decode("utf-8"), ending="")
        record_access(actor, "export", "cycle", cycle.pk, detail)
        return
    path = Path(output) if output else Path.cwd() / f"{paper_file_stem(cycle)}.{file_format}"
    try:
        with path.open("wb") as stream:
            os.fchmod(stream.fileno(), 0o600)  # as every file caseaudit writes, even one written before
            stream.write(content)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
    record_access(actor, "export", "cycle", cycle.pk, detail)
    print(f"Wrote the committee paper for {cycle.name} to {path} ({file_format}).", file=sys.stderr)
