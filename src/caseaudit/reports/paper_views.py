"""The committee paper of a cycle: the web page, and the PDF and Word downloads of its stored versions.

For the QA lead, moderators and senior leaders: the paper holds aggregates only (no child or worker is named
in it), so senior leaders, who see no child-level data, may have it (docs/domain.md#roles). Every download
is recorded in the access log, as other exports are.

A download is served from the files kept when the paper was drawn (reports.PaperVersion), never drawn
again: the draft (drawn now only if the cycle has none yet in those grades) or an issued version, whose
files never change. The QA lead's "Regenerate draft" and "Issue" are in paper_issue_views.py."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.jobs.models import Job
from caseaudit.jobs.scoping import jobs_visible_to

from .grades import GRADE_SOURCES, GradeSource
from .models import PaperVersion
from .paper import queries
from .paper.context import build_paper_context, paper_file_stem
from .paper.docx import DOCX_TYPE
from .paper.html import shown_sections
from .paper.pdf import PDF_TYPE
from .paper_drafts import current_draft, draft_for_download, issued_versions, render_file
from .paper_jobs import REGENERATE
from .paper_store import StoredPaperUnreadable, read_file

# The HTML is the paper as an accessible web page, standalone: downloaded, it opens in any browser.
FORMATS = {"pdf": PDF_TYPE, "docx": DOCX_TYPE, "html": "text/html; charset=utf-8"}


def paper_cycle(pk: int) -> Cycle:
    """A confirmed cycle: a draft sample is a proposal, with no audits to report."""
    return get_object_or_404(Cycle.objects.exclude(status=CycleStatus.DRAFT), pk=pk)


def grade_source_of(request: HttpRequest) -> GradeSource:
    """`?grades=auditor` for the auditors' grades; moderated grades otherwise."""
    return "auditor" if request.GET.get("grades") == "auditor" else "moderated"


def regenerating_job(request: HttpRequest, cycle: Cycle, grade_source: str) -> Job | None:
    """This person's "Regenerate draft" of this paper still waiting or running, if there is one."""
    return (
        jobs_visible_to(request.user)
        .filter(kind=REGENERATE, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .filter(arguments__cycle=cycle.pk, arguments__grade_source=grade_source)
        .first()
    )


def nothing_to_report(request: HttpRequest, cycle: Cycle, status: int = 200) -> HttpResponse:
    """The page instead of a paper for a cycle with no audit completed yet."""
    planner = policy.can(request.user, policy.PLAN_CYCLES)
    context = {
        "cycle": cycle,
        "message": queries.nothing_completed(cycle),
        "back_url": reverse("cycles:detail", args=[cycle.pk]) if planner else reverse("reports:grades"),
        "back_text": f"Back to {cycle.name}" if planner else "Back to reports",
    }
    return render(request, "reports/paper_none.html", context, status=status)


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def paper_page(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = paper_cycle(pk)
    if not queries.has_completed_audits(cycle):
        return nothing_to_report(request, cycle)
    grade_source = grade_source_of(request)
    paper = build_paper_context(cycle, grade_source=grade_source)
    record_access(request.user, "view", "cycle", cycle.pk, "committee paper")
    # Back to the cycle's page for those who plan cycles; to the reports for the others.
    planner = policy.can(request.user, policy.PLAN_CYCLES)
    query = "?grades=auditor" if grade_source == "auditor" else ""
    context = {
        "cycle": cycle,
        "paper": paper,
        "sections": shown_sections(paper, "svg"),
        "query": query,
        "grade_sources": GRADE_SOURCES,
        "draft": current_draft(cycle, grade_source),
        "issued": list(issued_versions(cycle)),
        "regenerating": regenerating_job(request, cycle, grade_source),
        "back_url": reverse("cycles:detail", args=[cycle.pk]) if planner else reverse("reports:grades"),
        "back_text": f"Back to {cycle.name}" if planner else "Back to reports",
    }
    return render(request, "reports/paper.html", context)


def _served(request: HttpRequest, cycle: Cycle, version: PaperVersion, fmt: str) -> HttpResponse:
    if not version.has(fmt):  # a paper kept before caseaudit kept its web page
        raise Http404
    try:
        content = read_file(version, fmt)
    except StoredPaperUnreadable as unreadable:
        context = {"cycle": cycle, "problem": str(unreadable)}
        return render(request, "reports/paper_unreadable.html", context, status=500)
    which = f"version {version.number}" if version.issued else "draft"
    return _attachment(
        request,
        cycle,
        content,
        fmt,
        name=which.replace("version ", "v"),
        detail=f"committee paper ({fmt}, {version.grade_source} grades, {which})",
    )


def _attachment(
    request: HttpRequest, cycle: Cycle, content: bytes, fmt: str, *, name: str, detail: str
) -> HttpResponse:
    """A file of the cycle's paper, downloaded and recorded in the access log as an export."""
    response = HttpResponse(content, content_type=FORMATS[fmt])
    # Named after the cycle, never a child; the no-store header is every response's (web.no_store).
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{paper_file_stem(cycle)}-{name}.{fmt}"
    )
    record_access(request.user, "export", "cycle", cycle.pk, detail)
    return response


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def paper_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The cycle's draft, as stored; the first download of a cycle with no draft draws it and keeps it."""
    if fmt not in FORMATS:
        raise Http404
    user = policy.person(request.user, policy.READ_REPORTS)
    cycle = paper_cycle(pk)
    if not queries.has_completed_audits(cycle):
        return nothing_to_report(request, cycle, status=404)
    draft = draft_for_download(cycle, grade_source_of(request), user)
    return _served(request, cycle, draft, fmt)


@policy.capability_required(policy.READ_REPORTS)
@require_safe
def version_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """An issued version of the paper, exactly as it was issued."""
    if fmt not in FORMATS:
        raise Http404
    cycle = paper_cycle(pk)
    version = get_object_or_404(issued_versions(cycle), number=number)
    return _served(request, cycle, version, fmt)


@policy.capability_required(policy.READ_OFFICERS_PAPER)
@require_safe
def officers_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The officers' version, with tables by team: drawn now from today's figures, and neither kept nor
    issued, since it is for the QA team's own use and never goes to the committee."""
    if fmt not in FORMATS:
        raise Http404
    cycle = paper_cycle(pk)
    if not queries.has_completed_audits(cycle):
        return nothing_to_report(request, cycle, status=404)
    grade_source = grade_source_of(request)
    paper = build_paper_context(cycle, grade_source=grade_source, officers=True)
    detail = f"committee paper, officers' version ({fmt}, {grade_source} grades)"
    return _attachment(request, cycle, render_file(paper, fmt), fmt, name="officers", detail=detail)
