"""Rendering a committee paper and keeping it: `render_and_store(cycle, ...)`, the one way a paper is
rendered for the web and the command line. The policy is asked before anything is rendered; the rendering
(two seconds or more for a cycle of hundreds of audits) and the writing of its files happen outside any
transaction, and only then does the action (reports/actions.py) record them as the cycle's draft, so that
no lock is held while the paper is drawn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.cycles.models import Cycle
from caseaudit.policy import Actor

from .actions import DraftAlreadyKept, RenderedPaper, keep_paper_draft
from .grades import GradeSource
from .models import PaperState, PaperVersion
from .paper.context import build_paper_context
from .paper.docx import render_docx
from .paper.html import render_html
from .paper.model import Paper
from .paper.pdf import render_pdf
from .paper_store import FORMATS, StoredFile, remove_files, store_file

# The figures, the PDF, the Word file and the web page.
STEPS = 4


def render_and_store(
    cycle: Cycle,
    *,
    grade_source: GradeSource,
    acting_user: Actor,
    replace: bool = True,
    today: date | None = None,
    step: Callable[[], object] = lambda: None,
) -> PaperVersion:
    """Render the paper from the data as it is now, store its PDF, Word and HTML files, and keep them as the
    cycle's draft in `grade_source`: replacing the draft (`replace`, the QA lead's "Regenerate draft"), or
    as the first draft when there is none. `step` is told as each of the STEPS is done (a job's progress)."""
    policy.require(acting_user, policy.ISSUE_PAPERS if replace else policy.FIRST_PAPER_DRAFT)
    paper = build_paper_context(cycle, grade_source=grade_source, today=today)
    step()
    stored: list[StoredFile] = []
    try:
        for fmt in FORMATS:
            stored.append(store_file(cycle.pk, fmt, render_file(paper, fmt)))
            step()
        rendered = RenderedPaper(grade_source, paper.issued_on, **dict(zip(FORMATS, stored, strict=True)))
        return keep_paper_draft(cycle, rendered, acting_user=acting_user, replace=replace)
    except BaseException:  # nothing kept: no file of it is left behind
        remove_files([file.name for file in stored])
        raise


def render_file(paper: Paper, fmt: str) -> bytes:
    """The paper as one of the FORMATS' files."""
    if fmt == "pdf":
        return render_pdf(paper)
    if fmt == "docx":
        return render_docx(paper)
    return render_html(paper).encode("utf-8")


def current_draft(cycle: Cycle, grade_source: str) -> PaperVersion | None:
    return PaperVersion.objects.filter(cycle=cycle, state=PaperState.DRAFT, grade_source=grade_source).first()


def draft_for_download(cycle: Cycle, grade_source: GradeSource, acting_user: Actor) -> PaperVersion:
    """The cycle's draft, rendered and kept now if there is none yet (the first download)."""
    draft = current_draft(cycle, grade_source)
    if draft is not None:
        return draft
    try:
        return render_and_store(cycle, grade_source=grade_source, acting_user=acting_user, replace=False)
    except DraftAlreadyKept as kept:
        return kept.version


def issued_versions(cycle: Cycle) -> QuerySet[PaperVersion]:
    """The cycle's issued papers, newest first."""
    return (
        PaperVersion.objects.filter(cycle=cycle, state=PaperState.ISSUED)
        .select_related("issued_by", "rendered_by")
        .order_by("-number")
    )


def latest_issued(cycle: Cycle) -> PaperVersion | None:
    return issued_versions(cycle).first()
